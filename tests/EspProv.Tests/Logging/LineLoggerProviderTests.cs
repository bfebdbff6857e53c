using EspProv.Cli.Output;
using EspProv.Provisioning;
using EspProv.Transport;
using EspProv.Transport.Ble;
using EspProv.Transport.Http;
using Microsoft.Extensions.Logging;

namespace EspProv.Tests.Logging;

/// <summary>The CLI's line provider: the formatted message only, a prefix by category, every level unless limited.</summary>
public sealed class LineLoggerProviderTests
{
    [Fact]
    public void ForRun_PrefixesTransportLines_AndWritesTheClientsBare()
    {
        var lines = new List<string>();
        using var factory = LineLoggerProvider.ForRun(lines.Add);

        factory.CreateLogger<HttpTransport>().HttpExchange("proto-ver", 4, 200, 95);
        factory.CreateLogger<BleTransport>().BleReconnecting(null);
        factory.CreateLogger<ProvisioningClient>().SessionEstablished(1);

        Assert.Equal(["http: POST /proto-ver 4 B -> 200 95 B", "ble: the link to (null) is down: reconnecting (a new link needs a new security session)", "session established (security 1)"], lines);
    }

    [Fact]
    public void WithPrefix_WritesEveryLevel_ButNeverTheException()
    {
        var lines = new List<string>();
        var logger = LineLoggerProvider.WithPrefix(lines.Add, "[device] ").CreateLogger("EspProv.Device.SimulatedDevice");

        Assert.True(logger.IsEnabled(LogLevel.Trace));
        Assert.False(logger.IsEnabled(LogLevel.None));
        Write(logger, LogLevel.Warning, "Wi-Fi: connection failed", new InvalidOperationException("inner detail"));

        Assert.Equal(["[device] Wi-Fi: connection failed"], lines);
    }

    [Fact]
    public void AMinimumLevel_DropsWhatIsBelowIt()
    {
        var lines = new List<string>();
        using var provider = new LineLoggerProvider(lines.Add, _ => string.Empty, LogLevel.Information);
        var logger = provider.CreateLogger("any");

        Write(logger, LogLevel.Debug, "detail");
        Write(logger, LogLevel.Information, "result");

        Assert.Equal(["result"], lines);
    }

    private static void Write(ILogger logger, LogLevel level, string message, Exception? exception = null) =>
        logger.Log(level, default, message, exception, static (text, ex) => ex is null ? text : $"{text}: {ex.Message}");
}
