using System.Text.RegularExpressions;
using EspProv.Cli;
using EspProv.Tests.Cli;

namespace EspProv.Tests.EndToEnd;

/// <summary><c>esp-prov simulate --transport console</c>: a standalone device whose console is a pseudo-terminal.</summary>
public sealed partial class SimulateCommandTests
{
    [GeneratedRegex(@"console on (/dev/\S+)")]
    private static partial Regex ConsoleLine();

    [Fact]
    public async Task Standalone_Console_PrintsThePtyPath_AndIsProvisionedOverIt()
    {
        var output = new LockedWriter();
        using var stop = new CancellationTokenSource();
        var run = Task.Run(() => new CliApp(output, output, new ScriptedTerminal()).RunAsync(["simulate", "--transport", "console", "--connect-delay", "0"], stop.Token));
        var text = await output.WaitForAsync(t => ConsoleLine().IsMatch(t), run, Support.Eventually.SafetyNet);
        Assert.True(ConsoleLine().IsMatch(text), text);

        var r = await CliHarness.RunAsync("--transport", "console", "--serial", ConsoleLine().Match(text).Groups[1].Value,
            "--ssid", "myssid", "--passphrase", "mypassword", "--pop", "abcd1234");

        Assert.True(r.ExitCode == 0, r.ToString());
        await stop.CancelAsync();
        Assert.Equal(0, await run);
        Assert.DoesNotContain("mypassword", output.Snapshot(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Console_OnTheEsp8266Flavor_IsRefused()
    {
        var output = new StringWriter();
        var code = await new CliApp(output, output, new ScriptedTerminal()).RunAsync(["simulate", "--transport", "console", "--flavor", "esp8266"]);
        Assert.True(code == 64, output.ToString());
        Assert.Contains("no console", output.ToString(), StringComparison.Ordinal);
    }
}
