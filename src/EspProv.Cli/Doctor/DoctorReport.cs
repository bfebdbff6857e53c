using EspProv.Cli.Output;

namespace EspProv.Cli.Doctor;

/// <summary>
/// Prints the doctor's checks as they finish (<c>[passed] tcp: …</c> with a "what to do" line) and the one verdict
/// line, or, under <c>--json</c>, one <c>check</c> event per check and a <c>verdict</c> event (docs/doctor.md).
/// </summary>
internal sealed class DoctorReport(TextWriter output, bool json)
{
    private readonly JsonLinesWriter? _json = json ? new JsonLinesWriter(output) : null;
    private readonly List<CheckResult> _checks = [];

    /// <summary>Every check reported so far, in order.</summary>
    public IReadOnlyList<CheckResult> Checks => _checks;

    /// <summary>Called with each check as it is reported (the transcript listens).</summary>
    public Action<CheckResult>? Listener { get; init; }

    public void Header(string what)
    {
        if (_json is null)
        {
            output.WriteLine($"esp-prov doctor: {what}");
        }
    }

    public void Add(CheckResult check)
    {
        _checks.Add(check);
        Listener?.Invoke(check);
        if (_json is not null)
        {
            _json.WriteLine("check", device: null, w =>
            {
                w.WriteString("check", check.Name);
                w.WriteString("status", CheckResult.Word(check.Status));
                w.WriteString("detail", check.Detail);
                if (check.Advice is null)
                {
                    w.WriteNull("advice");
                }
                else
                {
                    w.WriteString("advice", check.Advice);
                }

                if (check.Elapsed is { } elapsed)
                {
                    w.WriteNumber("elapsed_ms", (long)elapsed.TotalMilliseconds);
                }
                else
                {
                    w.WriteNull("elapsed_ms");
                }

                if (check.Status == CheckStatus.Failed)
                {
                    w.WriteNumber("exit_code", check.ExitCode);
                }
            });
            return;
        }

        output.WriteLine($"[{CheckResult.Word(check.Status)}] {check.Name}: {Provision.CliOutput.OneLine(check.Detail)}");
        if (check.Advice is not null)
        {
            output.WriteLine($"    what to do: {Provision.CliOutput.OneLine(check.Advice)}");
        }
    }

    /// <summary>Skips each named check because an earlier one failed.</summary>
    public void SkipAll(string because, params string[] names)
    {
        foreach (var name in names)
        {
            Add(CheckResult.Skip(name, because));
        }
    }

    /// <summary>While true, <see cref="Verdict"/> only returns the exit code (doctor --join writes the verdict after restoring).</summary>
    public bool HoldVerdict { get; set; }

    /// <summary>Writes the verdict line and returns the exit code: 0, or that of the first failed check.</summary>
    public int Verdict(string? note = null)
    {
        var failed = _checks.FirstOrDefault(c => c.Status == CheckStatus.Failed);
        var warnings = _checks.Count(c => c.Status == CheckStatus.Warning);
        var code = failed?.ExitCode ?? ExitCodes.Success;
        if (HoldVerdict)
        {
            return code;
        }

        var text = failed is null
            ? "provisioning should work" + (warnings > 0 ? $" ({warnings} warning{(warnings == 1 ? string.Empty : "s")} above)" : string.Empty)
            : $"{Summary(code)} (exit {code}): {failed.Name}: {failed.Detail}";
        if (_json is not null)
        {
            _json.WriteLine("verdict", device: null, w =>
            {
                w.WriteString("status", failed is null ? "ok" : "failed");
                w.WriteNumber("exit_code", code);
                if (failed is null)
                {
                    w.WriteNull("failed_check");
                }
                else
                {
                    w.WriteString("failed_check", failed.Name);
                }

                w.WriteNumber("warnings", warnings);
                w.WriteString("detail", text);
            });
            return code;
        }

        if (note is not null)
        {
            output.WriteLine($"note: {note}");
        }

        output.WriteLine($"verdict: {Provision.CliOutput.OneLine(text)}");
        return code;
    }

    private static string Summary(int code) => code switch
    {
        ExitCodes.NoConnection => "no connection to the device",
        ExitCodes.VersionMismatch => "not a provisioning device, or a bad version answer",
        ExitCodes.SessionFailed => "the session fails",
        ExitCodes.WifiConnectionFailed => "the device would not find the network",
        ExitCodes.Usage => "usage error",
        _ => "provisioning would fail",
    };
}
