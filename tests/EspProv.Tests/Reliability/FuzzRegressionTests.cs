using EspProv.Fuzz.Targets;

namespace EspProv.Tests.Reliability;

/// <summary>
/// Every fuzz seed and every saved finding (fuzz/regressions: each crash, once fixed, is kept there) replays through the
/// same client targets AFL++ runs, and must end in success or a ProvisioningException.
/// </summary>
public sealed class FuzzRegressionTests
{
    public static TheoryData<string> Inputs()
    {
        var data = new TheoryData<string>();
        foreach (var dir in new[] { "fuzz/corpus/client", "fuzz/regressions/client" })
        {
            var path = Path.Combine(AppContext.BaseDirectory, dir);
            if (Directory.Exists(path))
            {
                foreach (var file in Directory.GetFiles(path).Order(StringComparer.Ordinal))
                {
                    data.Add(Path.GetRelativePath(AppContext.BaseDirectory, file));
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void SavedInput_ReplaysWithoutAFinding(string file) =>
        ClientTargets.Run(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, file)));

    [Fact]
    public void TheCorpusIsThere() => Assert.True(Inputs().Count >= 10, "fuzz seeds were not copied to the test output");
}
