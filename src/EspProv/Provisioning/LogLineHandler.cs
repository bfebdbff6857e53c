using System.Runtime.CompilerServices;

namespace EspProv.Provisioning;

/// <summary>Builds a log line only when someone listens (hex dumps of handshake messages are not free).</summary>
[InterpolatedStringHandler]
internal ref struct LogLineHandler
{
    private DefaultInterpolatedStringHandler _inner;

    public LogLineHandler(int literalLength, int formattedCount, ProvisioningClient client, out bool enabled)
    {
        enabled = client.IsLogging;
        _inner = enabled ? new DefaultInterpolatedStringHandler(literalLength, formattedCount) : default;
    }

    public void AppendLiteral(string value) => _inner.AppendLiteral(value);

    public void AppendFormatted<T>(T value) => _inner.AppendFormatted(value);

    public void AppendFormatted<T>(T value, string? format) => _inner.AppendFormatted(value, format);

    public string ToStringAndClear() => _inner.ToStringAndClear();
}
