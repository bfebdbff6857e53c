using System.Buffers.Binary;

namespace EspProv.Thread;

/// <summary>A MeshCoP timestamp (Active Timestamp TLV): 48-bit seconds, 15-bit ticks (1/32768 s) and the authoritative bit.</summary>
/// <param name="Seconds">Seconds, at most 2^48 − 1.</param>
/// <param name="Ticks">Ticks, at most 32767.</param>
/// <param name="Authoritative">The U bit: the timestamp comes from an authoritative clock.</param>
public readonly record struct ThreadTimestamp(ulong Seconds, ushort Ticks = 0, bool Authoritative = false)
{
    internal const ulong MaxSeconds = (1UL << 48) - 1;
    internal const ushort MaxTicks = 0x7fff;

    internal void Validate()
    {
        if (Seconds > MaxSeconds)
        {
            throw new ArgumentOutOfRangeException(nameof(Seconds), Seconds, "must fit in 48 bits");
        }

        if (Ticks > MaxTicks)
        {
            throw new ArgumentOutOfRangeException(nameof(Ticks), Ticks, "must fit in 15 bits");
        }
    }

    internal byte[] ToBytes()
    {
        Validate();
        var value = (Seconds << 16) | ((ulong)Ticks << 1) | (Authoritative ? 1UL : 0UL);
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, value);
        return bytes;
    }

    internal static ThreadTimestamp FromBytes(ReadOnlySpan<byte> bytes)
    {
        var value = BinaryPrimitives.ReadUInt64BigEndian(bytes);
        return new ThreadTimestamp(value >> 16, (ushort)((value >> 1) & MaxTicks), (value & 1) != 0);
    }
}
