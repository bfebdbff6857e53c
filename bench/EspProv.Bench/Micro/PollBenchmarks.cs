using System.Net;
using BenchmarkDotNet.Attributes;
using EspProv.Device;
using EspProv.Device.Security;
using EspProv.Provisioning;
using EspProv.Security;
using EspProv.Transport;
using EspProv.Transport.Http;

namespace EspProv.Bench.Micro;

/// <summary>
/// What one status poll costs, client and simulated device together, over loopback on an established security 1
/// session (the device is still joining, so every answer is Connecting): the figure behind the polling schedule's
/// minimum interval of 100 ms. The floor is the same exchange with the proto-ver endpoint (no crypto, no protobuf).
/// </summary>
[MemoryDiagnoser]
public class PollBenchmarks
{
    private SimulatedDevice _device = null!;
    private HttpTransport _transport = null!;
    private ProvisioningClient _client = null!;

    [GlobalSetup]
    public void Setup()
    {
        _device = SimulatedDevice.StartAsync(new SimulatedDeviceOptions
        {
            ConnectDelay = TimeSpan.FromHours(1),
            Security = new DeviceSecurity1("abcd1234"),
        }, new HttpDeviceOptions { Port = 0 }).GetAwaiter().GetResult();
        _transport = new HttpTransport(new DeviceAddress("127.0.0.1", _device.EndPoint.Port, false));
        _client = new ProvisioningClient(_transport);
        _client.EstablishSessionAsync(new Security1("abcd1234")).GetAwaiter().GetResult();
        _client.SetWifiConfigAsync(new WifiCredentials("myssid", "mypassword")).GetAwaiter().GetResult();
        _client.ApplyWifiConfigAsync().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _client.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _transport.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _device.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Description = "proto-ver round trip (floor)")]
    public Task<byte[]> Version() => _transport.SendAsync(Endpoints.ProtoVer, "V0.1"u8.ToArray());

    [Benchmark(Description = "status poll round trip (sec1)")]
    public Task<WifiStatus> Poll() => _client.GetWifiStatusAsync();
}
