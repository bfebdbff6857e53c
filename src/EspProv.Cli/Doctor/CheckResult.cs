namespace EspProv.Cli.Doctor;

/// <summary>How a check ended. Only <see cref="Failed"/> changes the verdict.</summary>
internal enum CheckStatus
{
    Passed,
    Warning,
    Skipped,
    Failed,
}

/// <summary>One check of <c>esp-prov doctor</c>: its name, outcome, one line of explanation and what to do.</summary>
/// <param name="Name">Stable snake_case name (<c>tcp</c>, <c>session</c>, ...), also the JSON <c>check</c> field.</param>
/// <param name="Status">The outcome.</param>
/// <param name="Detail">One line: what was found.</param>
/// <param name="Advice">What to do about it; null when nothing.</param>
/// <param name="ExitCode">For a failed check, the exit code provisioning would end with at this step.</param>
/// <param name="Elapsed">How long the check took, when it talked to the device.</param>
internal sealed record CheckResult(string Name, CheckStatus Status, string Detail, string? Advice = null, int ExitCode = 0, TimeSpan? Elapsed = null)
{
    public static CheckResult Pass(string name, string detail, TimeSpan? elapsed = null) => new(name, CheckStatus.Passed, detail, Elapsed: elapsed);

    public static CheckResult Warn(string name, string detail, string? advice = null) => new(name, CheckStatus.Warning, detail, advice);

    public static CheckResult Skip(string name, string detail, string? advice = null) => new(name, CheckStatus.Skipped, detail, advice);

    public static CheckResult Fail(string name, int exitCode, string detail, string? advice = null, TimeSpan? elapsed = null) =>
        new(name, CheckStatus.Failed, detail, advice, exitCode, elapsed);

    /// <summary>The word printed and written to JSON for a status.</summary>
    public static string Word(CheckStatus status) => status switch
    {
        CheckStatus.Passed => "passed",
        CheckStatus.Warning => "warning",
        CheckStatus.Skipped => "skipped",
        _ => "failed",
    };
}
