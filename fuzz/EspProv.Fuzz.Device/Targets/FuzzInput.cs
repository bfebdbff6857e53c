namespace EspProv.Fuzz.Device.Targets;

/// <summary>Reads a fuzz input as a stream of decisions.</summary>
internal static class FuzzInput
{
    /// <summary>The next byte of <paramref name="rest"/>, consumed; 0 once the input is used up.</summary>
    public static byte Next(ref ReadOnlySpan<byte> rest)
    {
        if (rest.IsEmpty)
        {
            return 0;
        }

        var b = rest[0];
        rest = rest[1..];
        return b;
    }
}
