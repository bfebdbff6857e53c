using System.Buffers.Binary;

namespace EspProv.Thread;

/// <summary>
/// The Security Policy TLV: the key rotation time in hours and the policy flags (1 byte in Thread 1.1, 2 bytes from
/// Thread 1.2 on), kept as they are.
/// </summary>
public sealed record ThreadSecurityPolicy
{
    /// <summary>What OpenThread's <c>dataset init new</c> writes: 672 hours, flags f7 f8.</summary>
    public static ThreadSecurityPolicy Default { get; } = new(672, [0xf7, 0xf8]);

    private readonly byte[] _flags;

    /// <summary>Creates a policy.</summary>
    /// <param name="rotationHours">Key rotation time in hours (at least 1).</param>
    /// <param name="flags">The flag bytes: 1 or 2.</param>
    public ThreadSecurityPolicy(ushort rotationHours, ReadOnlySpan<byte> flags)
    {
        if (rotationHours == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(rotationHours), rotationHours, "must be at least 1 hour");
        }

        if (flags.Length is < 1 or > 2)
        {
            throw new ArgumentException($"must be 1 or 2 bytes; got {flags.Length}", nameof(flags));
        }

        RotationHours = rotationHours;
        _flags = flags.ToArray();
    }

    /// <summary>Key rotation time, hours.</summary>
    public ushort RotationHours { get; }

    /// <summary>The flag bytes as carried in the TLV.</summary>
    public ReadOnlyMemory<byte> Flags => _flags;

    /// <inheritdoc />
    public bool Equals(ThreadSecurityPolicy? other) =>
        other is not null && RotationHours == other.RotationHours && _flags.AsSpan().SequenceEqual(other._flags);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(RotationHours, _flags.Length, _flags[0]);

    /// <inheritdoc />
    public override string ToString() => $"{RotationHours} h, flags {Convert.ToHexStringLower(_flags)}";

    internal byte[] ToBytes()
    {
        var bytes = new byte[2 + _flags.Length];
        BinaryPrimitives.WriteUInt16BigEndian(bytes, RotationHours);
        _flags.CopyTo(bytes, 2);
        return bytes;
    }
}
