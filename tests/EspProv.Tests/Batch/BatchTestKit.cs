using System.Globalization;
using EspProv.Device;
using EspProv.Device.Security;
using EspProv.Device.Wifi;
using EspProv.Tests.Cli;
using EspProv.Tests.Support;

namespace EspProv.Tests.Batch;

/// <summary>A temporary directory with a manifest and a journal, and a simulated fleet on loopback for batch runs.</summary>
internal sealed class BatchTestKit : IAsyncDisposable
{
    public const string Pop = "Pop-Qx81Lm";
    public const string Passphrase = "Pass-Zt44Vr";
    public const string Ssid = "fleetnet";

    private readonly string _dir = Directory.CreateTempSubdirectory("espprov-batch-").FullName;
    private SimulatedFleet? _fleet;

    public string ManifestPath => Path.Combine(_dir, "devices.csv");
    public string JournalPath => Path.Combine(_dir, "run.db");
    public IReadOnlyList<SimulatedDevice> Devices => _fleet!.Devices;

    /// <summary>Devices that keep serving after Connected (no auto-stop), so a resumed run can still ask them.</summary>
    public static SimulatedDeviceOptions DeviceOptions(int connectDelayMs = 30) =>
        TestDevice.Http().Security(new DeviceSecurity1(Pop)).ConnectDelayMs(connectDelayMs).Networks(new SimulatedNetwork(Ssid, Passphrase)).AutoStop(false).Build();

    public async Task<BatchTestKit> StartAsync(int count, SimulatedDeviceOptions? options = null)
    {
        _fleet = await SimulatedFleet.StartAsync(options ?? DeviceOptions(), count, new HttpDeviceOptions { Port = 0 });
        return this;
    }

    public static string Name(int i) => "dev" + i.ToString("D2", CultureInfo.InvariantCulture);

    /// <summary>A CSV manifest naming every device, with the PoP in a column (a secret).</summary>
    public void WriteManifest(string? extraColumn = null, Func<int, string>? extraValue = null)
    {
        var lines = new List<string> { "name,address,pop" + (extraColumn is null ? string.Empty : "," + extraColumn) };
        for (var i = 0; i < Devices.Count; i++)
        {
            lines.Add($"{Name(i)},127.0.0.1:{Devices[i].EndPoint.Port.ToString(CultureInfo.InvariantCulture)},{Pop}" + (extraValue is null ? string.Empty : "," + extraValue(i)));
        }

        File.WriteAllText(ManifestPath, string.Join('\n', lines) + "\n");
    }

    /// <summary>The batch command line; a 20 s device deadline unless <paramref name="extra"/> gives <c>--timeout</c>.</summary>
    public string[] Args(params string[] extra) =>
        ["batch", "--manifest", ManifestPath, "--journal", JournalPath, "--ssid", Ssid, "--passphrase", Passphrase,
            .. extra.Contains("--timeout") ? Array.Empty<string>() : ["--timeout", "20"], .. extra];

    public Task<CliResult> RunAsync(params string[] extra) => CliHarness.RunAsync(Args(extra));

    /// <summary>Every byte of the journal, WAL and lock files, to look for secrets.</summary>
    public byte[] JournalBytes() => Directory.GetFiles(_dir, "run.db*").SelectMany(File.ReadAllBytes).ToArray();

    public async ValueTask DisposeAsync()
    {
        if (_fleet is not null)
        {
            await _fleet.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
