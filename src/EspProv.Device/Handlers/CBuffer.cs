namespace EspProv.Device.Handlers;

/// <summary>How firmware stores a received string: copied into a fixed C buffer.</summary>
internal static class CBuffer
{
    /// <summary>A C string copy into a buffer of <paramref name="capacity"/> bytes: stops at the first NUL and at the capacity.</summary>
    public static byte[] Copy(ReadOnlySpan<byte> value, int capacity)
    {
        var nul = value.IndexOf((byte)0);
        var length = Math.Min(nul >= 0 ? nul : value.Length, capacity);
        return value[..length].ToArray();
    }
}
