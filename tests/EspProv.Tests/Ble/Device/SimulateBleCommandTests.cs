using System.Text;
using EspProv.Cli;
using EspProv.Tests.Ble.Support;
using EspProv.Tests.Cli;
using EspProv.Tests.Support;

namespace EspProv.Tests.Ble.Device;

/// <summary><c>esp-prov simulate --transport ble</c>: its usage errors, and the virtual BlueZ run that bleak provisions against.</summary>
public sealed class SimulateBleCommandTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>Captures output and completes a task when a line starting with a prefix is written.</summary>
    private sealed class LineWatch(string prefix) : StringWriter
    {
        private readonly Lock _gate = new();

        public TaskCompletionSource<string> Seen { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override void WriteLine(string? value)
        {
            lock (_gate)
            {
                base.WriteLine(value);
            }

            if (value is not null && value.StartsWith(prefix, StringComparison.Ordinal))
            {
                Seen.TrySetResult(value);
            }
        }

        public override void Write(char value)
        {
            lock (_gate)
            {
                base.Write(value);
            }
        }

        public override string ToString()
        {
            lock (_gate)
            {
                return base.ToString();
            }
        }
    }

    [Fact]
    public async Task Esp8266OverBle_IsAUsageError()
    {
        var result = await CliHarness.RunAsync("simulate", "--flavor", "esp8266", "--transport", "ble");
        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("ESP8266 has no BLE", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BleNameLongerThan29Bytes_IsAUsageError()
    {
        var result = await CliHarness.RunAsync("simulate", "--transport", "ble", "--virtual-bluez", "--ble_name", new string('A', 30));
        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("29 bytes", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadBleStack_IsAUsageError()
    {
        var result = await CliHarness.RunAsync("simulate", "--transport", "ble", "--ble_stack", "zephyr");
        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("nimble or bluedroid", result.Error, StringComparison.Ordinal);
    }

    [RequiresFact(Prerequisite.DbusDaemon, Prerequisite.Bleak)]
    public async Task VirtualBluez_PrintsTheBusAddress_AndBleakGetsTheVersionFromTheDevice()
    {
        var output = new LineWatch("DBUS_SYSTEM_BUS_ADDRESS=");
        using var stop = new CancellationTokenSource();
        var run = Task.Run(() => new CliApp(output, output, new ScriptedTerminal()).RunAsync(
            ["simulate", "--transport", "ble", "--virtual-bluez", "--ble_name", "PROV_C11E57", "--sec_ver", "1"], stop.Token));
        try
        {
            var line = await output.Seen.Task.WaitAsync(Timeout);
            var address = line["DBUS_SYSTEM_BUS_ADDRESS=".Length..];
            Assert.StartsWith("unix:", address, StringComparison.Ordinal);
            Assert.Contains("\n" + line + "\n", "\n" + output.ToString().Replace("\r", "", StringComparison.Ordinal), StringComparison.Ordinal);

            var script = Path.Combine(AppContext.BaseDirectory, "Ble", "scripts", "bleak_device_check.py");
            await using var bleak = ScriptProcess.Start(address, script, "PROV_C11E57", "1.0");
            Assert.StartsWith("FOUND ", await bleak.WaitForLineAsync("FOUND ", Timeout), StringComparison.Ordinal);
            string[] names = ["prov-ctrl", "prov-scan", "prov-session", "prov-config", "proto-ver", "custom-data", "custom-config"];
            Assert.Equal("DESCRIPTORS " + System.Text.Json.JsonSerializer.Serialize(names.Select(n => Convert.ToHexStringLower(Encoding.ASCII.GetBytes(n)))),
                await bleak.WaitForLineAsync("DESCRIPTORS ", Timeout));
            var version = await bleak.WaitForLineAsync("PROTO-VER ", Timeout);
            Assert.Contains("\"prov\":{\"ver\":\"v1.1\"", version, StringComparison.Ordinal);
            Assert.Contains("\"sec_ver\":1", version, StringComparison.Ordinal);
            Assert.True(0 == await bleak.WaitForExitAsync(Timeout), bleak.Output);
            Assert.Contains("ble write proto-ver 3 B -> ok", output.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            await stop.CancelAsync();
        }

        Assert.Equal(ExitCodes.Success, await run.WaitAsync(Timeout));
    }
}
