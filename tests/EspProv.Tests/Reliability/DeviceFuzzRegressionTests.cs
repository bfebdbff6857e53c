using EspProv.Fuzz.Device.Targets;

namespace EspProv.Tests.Reliability;

/// <summary>
/// Every device fuzz seed and every saved device finding (fuzz/regressions/device: each crash or hang, once fixed, is
/// kept there) replays through the same targets AFL++ runs (fuzz/EspProv.Fuzz.Device), and must end without a finding.
/// </summary>
public sealed class DeviceFuzzRegressionTests
{
    public static TheoryData<string> Inputs() => FuzzInputs.For("device");

    [Theory]
    [MemberData(nameof(Inputs))]
    public void SavedInput_ReplaysWithoutAFinding(string file) =>
        DeviceTargets.Run(FuzzInputs.Read(file));

    [Fact]
    public void TheCorpusCoversEveryModeAndScheme()
    {
        var described = new List<string>();
        foreach (var row in Inputs())
        {
            described.Add(DeviceTargets.Describe(FuzzInputs.Read(row)));
        }

        foreach (var expected in new[] { "Idf Sec0", "Idf Sec1Pop", "Idf Sec1NoPop", "Idf Sec2Patch1", "Idf Sec2Patch0", "Esp8266 Sec0", "Esp8266 Sec1Pop", "Esp8266 Sec1NoPop", " http", " protocomm", "after handshake", " ble nimble", " ble bluedroid" })
        {
            Assert.Contains(described, d => d.Contains(expected, StringComparison.Ordinal));
        }
    }
}
