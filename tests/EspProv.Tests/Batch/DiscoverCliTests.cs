using EspProv.Cli;
using EspProv.Cli.Batch;
using EspProv.Tests.Cli;

namespace EspProv.Tests.Batch;

/// <summary><c>batch --discover</c>: its flags, its manifest (matched by name, address optional) and its one-line failures.</summary>
public sealed class DiscoverCliTests
{
    [Fact]
    public void DiscoverManifest_NeedsOnlyTheName_AManifestBatchStillNeedsTheAddress()
    {
        var text = "name,pop,sec_ver\nPROV_A1,pop-a1-xyz,1\nPROV_B2,pop-b2-xyz,\n";
        var discovered = Manifest.Parse(text, discovered: true);
        Assert.True(discovered.IsValid, string.Join("; ", discovered.Errors));
        Assert.Equal(["PROV_A1", "PROV_B2"], discovered.Entries.Select(e => e.Name));
        Assert.Equal(string.Empty, discovered.Entries[0].Address);
        Assert.Equal("pop-a1-xyz", discovered.Entries[0].Pop);

        var plain = Manifest.Parse(text);
        Assert.Contains(plain.Errors, e => e.Message.Contains("missing required column 'address'", StringComparison.Ordinal));
        var jsonLines = Manifest.Parse("{\"name\":\"PROV_A1\",\"pop\":\"pop-a1-xyz\"}\n", discovered: true);
        Assert.True(jsonLines.IsValid, string.Join("; ", jsonLines.Errors));
    }

    [Theory]
    [InlineData("neither", "give --manifest FILE or --discover PREFIX")]
    [InlineData("max-without-discover", "--max goes with --discover")]
    [InlineData("bad-max", "--max must be at least 1")]
    [InlineData("bad-timeout", "--discover-timeout must be between 0 and 3600 seconds")]
    [InlineData("console", "--discover finds soft-AP and BLE devices: --transport console cannot be discovered")]
    [InlineData("no-ssid", "--ssid is required with --discover")]
    public async Task BadFlags_AreUsageErrors_WithOneLine_BeforeAnythingIsSent(string scenario, string message)
    {
        var dir = Directory.CreateTempSubdirectory("espprov-discover-cli-").FullName;
        try
        {
            var journal = Path.Combine(dir, "run.db");
            string[] args = scenario switch
            {
                "neither" => ["batch", "--journal", journal, "--ssid", "s"],
                "max-without-discover" => ["batch", "--manifest", Path.Combine(dir, "m.csv"), "--max", "2", "--journal", journal],
                "bad-max" => ["batch", "--discover", "PROV_", "--max", "0", "--journal", journal, "--ssid", "s"],
                "bad-timeout" => ["batch", "--discover", "PROV_", "--discover-timeout", "0", "--journal", journal, "--ssid", "s"],
                "console" => ["batch", "--discover", "PROV_", "--transport", "console", "--journal", journal, "--ssid", "s"],
                _ => ["batch", "--discover", "PROV_", "--journal", journal],
            };
            var r = await CliHarness.RunAsync(args);
            Assert.True(r.ExitCode == ExitCodes.Usage, r.ToString());
            Assert.Contains(message, r.Error, StringComparison.Ordinal);
            Assert.Single(r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.False(File.Exists(journal), "a journal was created for flags that were refused");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task NoNetworkManager_IsExit2_WithOneClearLine()
    {
        var dir = Directory.CreateTempSubdirectory("espprov-discover-cli-").FullName;
        try
        {
            var output = new StringWriter();
            var error = new StringWriter();
            var code = await new CliApp(output, error, new ScriptedTerminal()) { BleBusAddress = "unix:path=/nonexistent/espprov-bus" }
                .RunAsync(["batch", "--discover", "PROV_", "--journal", Path.Combine(dir, "run.db"), "--ssid", "s", "--passphrase", "pass-8-chars"]);
            Assert.True(code == ExitCodes.NoConnection, $"exit {code}\n{output}\n{error}");
            Assert.StartsWith("esp-prov: joining needs NetworkManager on the D-Bus system bus", error.ToString(), StringComparison.Ordinal);
            Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
