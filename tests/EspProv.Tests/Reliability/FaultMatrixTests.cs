using System.Text;
using System.Text.RegularExpressions;
using EspProv.Device;
using EspProv.Device.Security;
using EspProv.Device.Wifi;
using EspProv.Tests.Cli;
using EspProv.Tests.Support;
using Xunit.Abstractions;
using Steps = EspProv.Tests.Support.FaultSteps;

namespace EspProv.Tests.Reliability;

/// <summary>
/// The fault matrix of issue #6 (docs/reliability.md): the esp-prov CLI, in-process, against the real simulator behind
/// <see cref="FaultProxy"/>, for every step × every fault. Each cell must end with its exit code (a stalled step with the
/// timeout's: the CLI's deadline ended it, not the test's safety net),
/// one error line that names the step and the cause, no stack trace at <c>-v</c>, no secret in any output, and exit 0 only
/// when the device reported Connected.
/// </summary>
public sealed partial class FaultMatrixTests(ITestOutputHelper log)
{
    private const double TimeoutSeconds = 4;
    private const string Pop = "Pop-S3cret-7781";
    private const string Passphrase = "Pass-S3cret-9931";
    private const string Ssid = "reliability-net";

    /// <summary>The steps of a security 1 run with custom config, in the order the CLI performs them.</summary>
    internal static readonly string[] Sequence = [Steps.Version, Steps.Command0, Steps.Command1, Steps.CustomConfig, Steps.SetConfig, Steps.Apply, Steps.Status];

    /// <summary>
    /// The expected exit code of a cell: the step's own code; 9 (outcome unknown) while waiting for status; a trickle that
    /// completes within the request timeout succeeds, and so does an idle link drop (the cookie keeps the session across
    /// the reconnect; nothing is resent). Apply: a fault that leaves the request possibly delivered is never
    /// reported as a failure (and apply is never resent): the device's status on a new session decides, and the simulator
    /// did apply, so it reports Connected (0). Refused or HTTP-error applies never reached protocomm: 7.
    /// </summary>
    internal static int Expected(string step, FaultKind fault)
    {
        if (fault is FaultKind.Trickle or FaultKind.Disconnect)
        {
            return 0;
        }

        return step switch
        {
            Steps.Version => fault == FaultKind.Refuse ? 2 : 3, // refused from the start: the connect step's code
            Steps.Command0 or Steps.Command1 => 4,
            Steps.CustomConfig => 5,
            Steps.SetConfig => 6,
            Steps.Apply => fault is FaultKind.Refuse or FaultKind.Http4xx or FaultKind.Http5xx ? 7 : 0,
            _ => 9,
        };
    }

    private static readonly Dictionary<int, string> StepNames = new()
    {
        [2] = "connect", [3] = "proto-ver", [4] = "session", [5] = "custom config", [6] = "set Wi-Fi config", [7] = "apply Wi-Fi config", [9] = "Wi-Fi status",
    };

    [Fact]
    public async Task FaultMatrix_EveryStepAndFault_EndsInTime_WithItsExitCode_OneLine_NoTrace_NoSecret()
    {
        var cells = (from step in Sequence from fault in Enum.GetValues<FaultKind>() select (step, fault)).ToList();
        using var gate = new SemaphoreSlim(8);
        var results = await Task.WhenAll(cells.Select(async cell =>
        {
            await gate.WaitAsync();
            try
            {
                return await RunCellAsync(cell.step, cell.fault);
            }
            finally
            {
                gate.Release();
            }
        }));

        WriteMatrix(results);
        var failures = results.Where(r => r.Problem is not null).Select(r => $"{r.Step} × {r.Fault}: {r.Problem}\n{r.Run}").ToList();
        Assert.True(failures.Count == 0, $"{failures.Count} of {results.Length} cells failed:\n" + string.Join("\n\n", failures));
    }

    [Theory]
    [InlineData(FaultKind.Reset)]
    [InlineData(FaultKind.CloseWithoutResponse)]
    [InlineData(FaultKind.Stall)]
    [InlineData(FaultKind.GarbleBody)]
    [InlineData(FaultKind.Oversized)]
    public async Task LostApplyAnswer_IsNeverAnsweredByASecondApply(FaultKind fault)
    {
        // Security 0, so the proxy reads every prov-config message and counts applies exactly.
        await using var device = await TestDevice.Http().Security(new DeviceSecurity0()).ConnectDelayMs(50).Networks(new SimulatedNetwork(Ssid, Passphrase)).StartAsync();
        await using var proxy = new FaultProxy(device.EndPoint.Port, s => s == Steps.Apply ? fault : null) { PlaintextConfig = true };
        var r = await CliHarness.RunAsync("--softap_endpoint", proxy.Endpoint, "--ssid", Ssid, "--passphrase", Passphrase, "--sec_ver", "0",
            "--timeout", TimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(1, proxy.Count(Steps.Apply));
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("asking it for its Wi-Fi status", r.Output, StringComparison.Ordinal);
        Assert.True(proxy.Count(Steps.Status) >= 1);
    }

    [Fact]
    public async Task LinkLostRightAfterApply_IsOutcomeUnknown_Exit9_WithAdvice()
    {
        await using var device = await TestDevice.Http().Security(new DeviceSecurity1(Pop)).ConnectDelayMs(50).Networks(new SimulatedNetwork(Ssid, Passphrase)).StartAsync();
        await using var proxy = FaultProxy.At(device.EndPoint.Port, Steps.Status, FaultKind.Refuse, Sequence);
        var r = await RunCliAsync(proxy);
        Assert.True(r.ExitCode == 9, r.ToString());
        Assert.Contains("outcome unknown", r.Error, StringComparison.Ordinal);
        Assert.Contains("probably joined", r.Error, StringComparison.Ordinal);
        Assert.Equal(1, proxy.Count(Steps.Apply));
    }

    private static Task<CliResult> RunCliAsync(FaultProxy proxy) =>
        CliHarness.RunAsync("--softap_endpoint", proxy.Endpoint, "--ssid", Ssid, "--passphrase", Passphrase, "--sec_ver", "1", "--pop", Pop,
            "--custom_config", "--timeout", TimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture), "-v");

    private static async Task<CellResult> RunCellAsync(string step, FaultKind fault)
    {
        await using var device = await TestDevice.Http().Security(new DeviceSecurity1(Pop)).ConnectDelayMs(50).Networks(new SimulatedNetwork(Ssid, Passphrase)).StartAsync();
        await using var proxy = FaultProxy.At(device.EndPoint.Port, step, fault, Sequence);
        var r = await RunCliAsync(proxy).WaitAsync(Eventually.SafetyNet);
        var expected = Expected(step, fault);
        var errorLines = r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith("  caused by ", StringComparison.Ordinal)).ToList();
        var first = errorLines.FirstOrDefault() ?? string.Empty;
        string? problem = null;
        if (r.ExitCode != expected)
        {
            problem = $"exit {r.ExitCode}, expected {expected}";
        }
        else if (StackTrace().IsMatch(r.All))
        {
            problem = "a stack trace was printed";
        }
        else if (Secrets().FirstOrDefault(s => r.All.Contains(s, StringComparison.OrdinalIgnoreCase)) is { } leaked)
        {
            problem = $"a secret was printed ({leaked.Length} chars)";
        }
        else if (expected == 0 && (errorLines.Count != 0 || !r.Output.Contains("==== Provisioning was successful ====", StringComparison.Ordinal)
                 || device.WifiStatus.State != EspProv.Provisioning.WifiConnectionState.Connected))
        {
            problem = "exit 0 without the device reporting Connected, or with an error line";
        }
        else if (expected != 0 && (errorLines.Count != 1 || !first.StartsWith("esp-prov: " + StepNames[expected], StringComparison.Ordinal) || first.Length < 40))
        {
            problem = $"error output is not one line naming the step '{StepNames[expected]}' and a cause";
        }

        return new CellResult(step, fault, r.ExitCode, first, problem, r.ToString());
    }

    /// <summary>The secrets this test uses, as text and as hex (lower and upper) and base64.</summary>
    private static IEnumerable<string> Secrets() =>
        new[] { Pop, Passphrase }.SelectMany(s =>
        {
            var bytes = Encoding.UTF8.GetBytes(s);
            return new[] { s, Convert.ToHexString(bytes), Convert.ToHexStringLower(bytes), Convert.ToBase64String(bytes), string.Join(' ', bytes.Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture))) };
        });

    [GeneratedRegex(@"^\s+at \S+[\.:]\S*\(", RegexOptions.Multiline)]
    private static partial Regex StackTrace();

    private void WriteMatrix(CellResult[] results)
    {
        var faults = Enum.GetValues<FaultKind>();
        var text = new StringBuilder();
        text.Append("| step \\ fault | ").AppendJoin(" | ", faults).AppendLine(" |");
        text.Append("|---|").AppendJoin(string.Empty, faults.Select(_ => "---|")).AppendLine();
        foreach (var step in Sequence)
        {
            text.Append("| ").Append(step).Append(" | ");
            text.AppendJoin(" | ", faults.Select(f =>
            {
                var cell = results.Single(r => r.Step == step && r.Fault == f);
                return $"{cell.Exit}{(cell.Problem is null ? string.Empty : "✗")}";
            }));
            text.AppendLine(" |");
        }

        text.AppendLine();
        foreach (var r in results.Where(r => r.Exit != 0))
        {
            text.Append("- ").Append(r.Step).Append(" × ").Append(r.Fault).Append(": `").Append(r.ErrorLine).AppendLine("`");
        }

        log.WriteLine(text.ToString());
        File.WriteAllText(Path.Combine(AppContext.BaseDirectory, "fault-matrix.md"), text.ToString());
    }

    private sealed record CellResult(string Step, FaultKind Fault, int Exit, string ErrorLine, string? Problem, string Run);
}
