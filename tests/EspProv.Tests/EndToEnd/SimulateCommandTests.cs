using System.Text;
using System.Text.RegularExpressions;
using EspProv.Cli;
using EspProv.Tests.Cli;

namespace EspProv.Tests.EndToEnd;

/// <summary><c>esp-prov simulate</c> as a standalone server, provisioned by <c>esp-prov</c> over loopback.</summary>
public sealed partial class SimulateCommandTests
{
    [GeneratedRegex(@"listening on http://127\.0\.0\.1:(\d+)")]
    private static partial Regex ListeningLine();

    /// <summary>Output the CLI writes on its own thread; a test awaits the write it needs instead of polling.</summary>
    internal sealed class LockedWriter : StringWriter
    {
        private readonly Lock _gate = new();
        private TaskCompletionSource _written = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override void Write(char value) => Append(() => base.Write(value));

        public override void Write(string? value) => Append(() => base.Write(value));

        public override void Write(char[] buffer, int index, int count) => Append(() => base.Write(buffer, index, count));

        public override void WriteLine(string? value) => Append(() => base.WriteLine(value));

        public string Snapshot() => Current().Text;

        /// <summary>Waits until <paramref name="done"/> holds for the output, or <paramref name="run"/> ends, or the deadline passes.</summary>
        public async Task<string> WaitForAsync(Func<string, bool> done, Task run, TimeSpan timeout)
        {
            using var deadline = new CancellationTokenSource(timeout);
            while (true)
            {
                var (text, written) = Current();
                if (done(text) || run.IsCompleted)
                {
                    return text;
                }

                try
                {
                    await Task.WhenAny(written, run).WaitAsync(deadline.Token);
                }
                catch (OperationCanceledException)
                {
                    return Snapshot();
                }
            }
        }

        private (string Text, Task Written) Current()
        {
            lock (_gate)
            {
                return (ToString(), _written.Task);
            }
        }

        private void Append(Action write)
        {
            TaskCompletionSource written;
            lock (_gate)
            {
                write();
                written = _written;
                _written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            written.SetResult();
        }
    }

    private static int[] Ports(string output) =>
        [.. ListeningLine().Matches(output).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))];

    internal static async Task<(Task<int> Run, LockedWriter Output, CancellationTokenSource Stop, int[] Ports)> StartAsync(int expected, params string[] args)
    {
        var output = new LockedWriter();
        var stop = new CancellationTokenSource();
        var run = Task.Run(() => new CliApp(output, output, new ScriptedTerminal()).RunAsync(["simulate", .. args], stop.Token));
        var text = await output.WaitForAsync(t => Ports(t).Length >= expected, run, Support.Eventually.SafetyNet);
        Assert.False(run.IsCompleted, text);
        var ports = Ports(text);
        return ports.Length >= expected ? (run, output, stop, ports) : throw new TimeoutException("simulator did not start: " + text);
    }

    [Fact]
    public async Task Standalone_Sec1_IsProvisionedByTheCli_AndStopsOnCancel()
    {
        var (run, output, stop, ports) = await StartAsync(1, "--listen", "127.0.0.1:0", "--connect-delay", "0");
        var r = await CliHarness.RunAsync("--softap_endpoint", $"127.0.0.1:{ports[0]}", "--ssid", "myssid", "--passphrase", "mypassword", "--pop", "abcd1234");
        Assert.True(r.ExitCode == 0, r.ToString());
        await stop.CancelAsync();
        Assert.Equal(0, await run);
        var log = output.Snapshot();
        Assert.Contains("QR payload: {\"ver\":\"v1\",\"name\":\"PROV_", log, StringComparison.Ordinal);
        Assert.Contains("POST /prov-session", log, StringComparison.Ordinal);
        Assert.DoesNotContain("mypassword", log, StringComparison.Ordinal);
        stop.Dispose();
    }

    [Fact]
    public async Task Fleet_ServesIndependentDevices()
    {
        var (run, _, stop, ports) = await StartAsync(3, "--listen", "127.0.0.1:0", "--devices", "3", "--connect-delay", "0", "--sec_ver", "0", "--quiet");
        Assert.Equal(3, ports.Distinct().Count());
        foreach (var port in ports)
        {
            var r = await CliHarness.RunAsync("--softap_endpoint", $"127.0.0.1:{port}", "--ssid", "myssid", "--passphrase", "mypassword");
            Assert.True(r.ExitCode == 0, r.ToString());
        }

        await stop.CancelAsync();
        Assert.Equal(0, await run);
        stop.Dispose();
    }

    [Fact]
    public async Task Esp8266Flavor_Sec2_IsRejected()
    {
        var output = new StringWriter();
        var code = await new CliApp(output, output, new ScriptedTerminal()).RunAsync(["simulate", "--listen", "127.0.0.1:0", "--flavor", "esp8266", "--sec_ver", "2"]);
        Assert.Equal(64, code);
    }

    [Theory]
    [InlineData("--listen", "nonsense")]
    [InlineData("--flavor", "esp32c3")]
    [InlineData("--network", "no-colon")]
    [InlineData("--sec_patch_ver", "2")]
    public async Task BadOptions_AreUsageErrors(string option, string value)
    {
        var output = new StringWriter();
        var code = await new CliApp(output, output, new ScriptedTerminal()).RunAsync(["simulate", option, value]);
        Assert.True(code == 64, output.ToString());
        Assert.Contains("esp-prov simulate:", output.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output.ToString(), StringComparison.Ordinal);
    }
}
