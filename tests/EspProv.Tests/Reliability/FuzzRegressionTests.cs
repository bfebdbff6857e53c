using EspProv.Fuzz.Targets;

namespace EspProv.Tests.Reliability;

/// <summary>
/// Every fuzz seed and every saved finding (fuzz/regressions: each crash, once fixed, is kept there) replays through the
/// same client targets AFL++ runs, and must end in success or a ProvisioningException.
/// </summary>
public sealed class FuzzRegressionTests
{
    public static TheoryData<string> Inputs() => FuzzInputs.For("client");

    [Theory]
    [MemberData(nameof(Inputs))]
    public void SavedInput_ReplaysWithoutAFinding(string file) =>
        ClientTargets.Run(FuzzInputs.Read(file));

    [Fact]
    public void TheCorpusIsThere() => Assert.True(Inputs().Count >= 10, "fuzz seeds were not copied to the test output");
}
