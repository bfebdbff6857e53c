using System.Diagnostics;
using System.Text;
using EspProv.Cli;

namespace EspProv.Web.Bench;

/// <summary>One esp-prov run in-process (no process start counted), its output lines stamped with the time since its start.</summary>
internal static class CliRun
{
    public static async Task<Timeline> ProvisionAsync(string busAddress, string name, string pop, string ssid, string passphrase)
    {
        var output = new StampedWriter();
        var cli = new CliApp(output, output, new NoTerminal()) { BleBusAddress = busAddress };
        output.Clock.Restart();
        var code = await cli.RunAsync(["--transport", "ble", "--service_name", name, "--sec_ver", "1", "--pop", pop, "--ssid", ssid, "--passphrase", passphrase]);
        var total = output.Clock.Elapsed.TotalMilliseconds;
        return code == 0
            ? new Timeline(total, output.Lines)
            : throw new InvalidOperationException($"CLI run failed ({code}): {string.Join('\n', output.Lines.Select(l => l.Text))}");
    }

    /// <summary>A TextWriter that keeps each line with the clock's reading when it ended.</summary>
    private sealed class StampedWriter : TextWriter
    {
        private readonly StringBuilder _line = new();

        public Stopwatch Clock { get; } = new();

        public List<(double T, string Text)> Lines { get; } = [];

        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(char value)
        {
            if (value == '\n')
            {
                Lines.Add((Clock.Elapsed.TotalMilliseconds, _line.ToString().TrimEnd('\r')));
                _line.Clear();
            }
            else
            {
                _line.Append(value);
            }
        }
    }

    private sealed class NoTerminal : ITerminal
    {
        public bool IsInteractive => false;

        public string? ReadLine(string prompt) => null;

        public string ReadSecret(string prompt) => throw new InvalidOperationException("the bench gives every secret as a flag");
    }
}

/// <summary>A provisioning run: its total time and its step lines, each with its time since the run's start (ms).</summary>
internal sealed record Timeline(double Total, IReadOnlyList<(double T, string Text)> Lines)
{
    /// <summary>When the first line starting with <paramref name="prefix"/> appeared (NaN when none did).</summary>
    public double At(string prefix)
    {
        foreach (var (t, text) in Lines)
        {
            if (text.StartsWith(prefix, StringComparison.Ordinal))
            {
                return t;
            }
        }

        return double.NaN;
    }
}
