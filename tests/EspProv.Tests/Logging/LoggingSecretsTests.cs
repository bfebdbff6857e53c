using System.Text;
using EspProv.Device;
using EspProv.Device.Security;
using EspProv.Device.Wifi;
using EspProv.Exceptions;
using EspProv.Provisioning;
using EspProv.Security;
using EspProv.Tests.Support;
using EspProv.Transport;
using EspProv.Transport.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EspProv.Tests.Logging;

/// <summary>
/// The library and the simulated device log through <see cref="ILogger"/>; structured logging keeps every argument, so a
/// secret must never be one, not only never be in the text. Full security 1 and 2 flows (scan, custom data, a failed
/// join, reset, a successful join; a wrong PoP and password) with every logger enabled at every level: no message and
/// no argument holds a PoP, password or passphrase as text, hex or base64.
/// </summary>
public sealed class LoggingSecretsTests
{
    private const string Pop = "Pop-Lg4Wq7";
    private const string Password = "Pwd-Lg9Xc2";
    private const string Passphrase = "Pass-Lg3Mn8";
    private const string WrongPassphrase = "BadPass-Lg6Tz1";
    private const string OtherPassphrase = "Other-Lg5Rb0";

    private static readonly string[] Secrets = [Pop, Password, Passphrase, WrongPassphrase, OtherPassphrase];

    [Theory]
    [InlineData(1, false)]
    [InlineData(2, false)]
    [InlineData(1, true)]
    [InlineData(2, true)]
    public async Task FullFlow_LogsNoSecret_InMessagesOrArguments(int sec, bool http)
    {
        var logs = new CapturingLoggerFactory();
        await using var device = await StartAsync(sec == 1 ? new DeviceSecurity1(Pop) : DeviceSecurity2.FromPassword("wifiprov", Password), logs, http);
        await using var client = Connect(device, logs, http);
        ISecurity security = sec == 1 ? new Security1(Pop) : new Security2("wifiprov", Password);

        await client.GetVersionAsync();
        await client.EstablishSessionAsync(security);
        Assert.NotEmpty(await client.ScanAsync());
        await client.SendDataAsync(Endpoints.CustomData, Encoding.UTF8.GetBytes("hello"));
        await client.SetWifiConfigAsync(new WifiCredentials("myssid", WrongPassphrase));
        await client.ApplyWifiConfigAsync();
        await Assert.ThrowsAsync<WifiConnectionFailedException>(() => client.WaitForConnectionAsync());
        await client.ResetWifiAsync();
        await client.SetWifiConfigAsync(new WifiCredentials("myssid", Passphrase) { Channel = 6 });
        await client.ApplyWifiConfigAsync();
        await client.WaitForConnectionAsync();

        AssertNoSecret(logs, atLeast: 30);
        var entries = logs.Entries;
        Assert.Contains(entries, e => e.Category == "EspProv.Provisioning.ProvisioningClient" && e.Level == LogLevel.Trace && e.Message.StartsWith("prov-session", StringComparison.Ordinal));
        var setConfig = Assert.Single(entries, e => e.EventId.Id == 120 && e.Message.Contains("channel 6", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Debug, setConfig.Level);
        Assert.Equal("prov-config SetConfig: ssid 'myssid', passphrase (redacted), channel 6", setConfig.Message);
        Assert.Contains(setConfig.State, kv => kv.Key == "Ssid" && Equals(kv.Value, "myssid"));
        Assert.Contains(entries, e => e.Category == "EspProv.Device.Core.DeviceService" && e.Message.StartsWith(http ? "POST /prov-config" : "memory prov-config", StringComparison.Ordinal));
        Assert.Contains(entries, e => e.Category == "EspProv.Device.Wifi.SimulatedStation" && e.Level == LogLevel.Warning);
        Assert.Equal(http, entries.Any(e => e.Category == "EspProv.Transport.Http.HttpTransport" && e.Level == LogLevel.Trace));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task RejectedHandshake_LogsNoSecret(int sec)
    {
        var logs = new CapturingLoggerFactory();
        await using var device = await StartAsync(sec == 1 ? new DeviceSecurity1(Pop) : DeviceSecurity2.FromPassword("wifiprov", Password), logs, http: false);
        await using var client = Connect(device, logs, http: false);
        ISecurity wrong = sec == 1 ? new Security1(Passphrase) : new Security2("wifiprov", Passphrase);

        await Assert.ThrowsAsync<SessionFailedException>(() => client.EstablishSessionAsync(wrong));

        AssertNoSecret(logs, atLeast: 5);
        Assert.Contains(logs.Entries, e => e.Message.StartsWith("prov-session", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Defaults_AreSilent_AndANullFactoryIsRejected()
    {
        Assert.Same(NullLoggerFactory.Instance, new ProvisioningClientOptions().LoggerFactory);
        Assert.Same(NullLoggerFactory.Instance, new HttpTransportOptions().LoggerFactory);
        Assert.Same(NullLoggerFactory.Instance, new SimulatedDeviceOptions().LoggerFactory);
        await using var device = SimulatedDevice.CreateInMemory(new SimulatedDeviceOptions());
        Assert.Throws<ArgumentNullException>(() => new ProvisioningClient(device.CreateInMemoryTransport(), new ProvisioningClientOptions { LoggerFactory = null! }));
        Assert.Throws<ArgumentNullException>(() => SimulatedDevice.CreateInMemory(new SimulatedDeviceOptions { LoggerFactory = null! }));
    }

    private static void AssertNoSecret(CapturingLoggerFactory logs, int atLeast)
    {
        var entries = logs.Entries;
        Assert.True(entries.Count >= atLeast, $"suspiciously few log messages: {entries.Count}");
        foreach (var entry in entries)
        {
            foreach (var text in entry.Texts())
            {
                foreach (var form in Secrets.SelectMany(SecretForms.Of))
                {
                    Assert.False(text.Contains(form, StringComparison.OrdinalIgnoreCase), $"event {entry.EventId.Id} ({entry.Category}) holds a secret: {entry.Message}");
                }
            }
        }
    }

    private static Task<SimulatedDevice> StartAsync(IDeviceSecurity security, ILoggerFactory logs, bool http) =>
        (http ? TestDevice.Http() : TestDevice.InMemory())
            .Security(security)
            .AutoStop(false)
            .With(o => o.LoggerFactory, logs)
            .Networks(new SimulatedNetwork("myssid", Passphrase), new SimulatedNetwork("other", OtherPassphrase))
            .StartAsync();

    private static ProvisioningClient Connect(SimulatedDevice device, ILoggerFactory logs, bool http)
    {
        IProvisioningTransport transport = http
            ? new HttpTransport(new DeviceAddress("127.0.0.1", device.EndPoint.Port, false), new HttpTransportOptions { LoggerFactory = logs })
            : device.CreateInMemoryTransport();
        return new ProvisioningClient(transport, new ProvisioningClientOptions { LoggerFactory = logs }, ownsTransport: true);
    }
}
