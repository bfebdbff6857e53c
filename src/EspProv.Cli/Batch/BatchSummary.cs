using System.Globalization;
using EspProv.Cli.Output;
using EspProv.Cli.Provision;

namespace EspProv.Cli.Batch;

/// <summary>The end of a batch run: counts by outcome, the failures with reasons, the slowest devices, the exit code.</summary>
internal sealed class BatchSummary
{
    /// <summary>How many of the slowest devices are listed.</summary>
    public const int SlowestShown = 5;

    public BatchSummary(IReadOnlyList<DeviceResult> results, TimeSpan elapsed)
    {
        ArgumentNullException.ThrowIfNull(results);
        Results = results;
        Elapsed = elapsed;
    }

    public IReadOnlyList<DeviceResult> Results { get; }
    public TimeSpan Elapsed { get; }
    public int Connected => Results.Count(r => r.Verdict == DeviceVerdict.Connected);
    public int Failed => Results.Count(r => r.Verdict == DeviceVerdict.Failed);
    public int Unknown => Results.Count(r => r.Verdict == DeviceVerdict.Unknown);
    public int FromJournal => Results.Count(r => r.FromJournal);

    /// <summary>0 when every device connected, else 13.</summary>
    public int ExitCode => Connected == Results.Count ? ExitCodes.Success : ExitCodes.BatchIncomplete;

    public IEnumerable<DeviceResult> Failures => Results.Where(r => r.Verdict != DeviceVerdict.Connected);

    public IEnumerable<DeviceResult> Slowest => Results.Where(r => !r.FromJournal).OrderByDescending(r => r.ElapsedMs).Take(SlowestShown);

    public SummaryEvent ToEvent() => new()
    {
        Total = Results.Count,
        Connected = Connected,
        Failed = Failed,
        Unknown = Unknown,
        FromJournal = FromJournal,
        ExitCode = ExitCode,
        ElapsedMs = (long)Elapsed.TotalMilliseconds,
        Failures = [.. Failures.Select(r => (r.Name, r.Status, r.Reason))],
        Slowest = [.. Slowest.Select(r => (r.Name, r.ElapsedMs))],
    };

    /// <summary>The summary for a person.</summary>
    public void WriteText(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"==== Batch: {Results.Count} devices in {Elapsed.TotalSeconds:0.0} s: {Connected} connected ({FromJournal} already in the journal), {Failed} failed, {Unknown} unknown ===="));
        foreach (var failure in Failures)
        {
            output.WriteLine($"  {failure.Status} {CliOutput.Shown(failure.Name)} (exit {failure.ExitCode.ToString(CultureInfo.InvariantCulture)}): {CliOutput.OneLine(failure.Reason ?? "no reason")}");
        }

        var slowest = Slowest.ToList();
        if (slowest.Count > 0)
        {
            output.WriteLine("  slowest: " + string.Join(", ", slowest.Select(r => $"{CliOutput.Shown(r.Name)} {r.ElapsedMs.ToString(CultureInfo.InvariantCulture)} ms")));
        }
    }

    /// <summary>A result's details after its status, for a line.</summary>
    public static string Details(DeviceResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Verdict == DeviceVerdict.Connected)
        {
            return (result.Ip is { } ip ? $" (IP {ip}" + (result.Channel is { } ch ? $", channel {ch.ToString(CultureInfo.InvariantCulture)}" : string.Empty) + ")" : string.Empty)
                + (result.FromJournal ? " [from the journal]" : $" in {result.ElapsedMs.ToString(CultureInfo.InvariantCulture)} ms");
        }

        return $" (exit {result.ExitCode.ToString(CultureInfo.InvariantCulture)}): {CliOutput.OneLine(result.Reason ?? "no reason")}";
    }
}
