using System.Globalization;
using EspProv.Cli.Output;
using Spectre.Console;

namespace EspProv.Cli.Batch;

/// <summary>
/// On a terminal: a Spectre.Console table redrawn in place (each device's state and elapsed time, overall progress),
/// then the text summary. Devices only update <see cref="BatchProgress"/>; the table is rebuilt from it on a timer,
/// so concurrent devices never draw.
/// </summary>
internal sealed class LiveBatchView(TextWriter output) : IBatchView
{
    private static readonly TimeSpan Refresh = TimeSpan.FromMilliseconds(250);

    /// <summary>Rows shown at most: the devices in flight first, then the most recently finished.</summary>
    private const int MaxRows = 30;

    private readonly BatchProgress _progress = new();
    private readonly IAnsiConsole _console = AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(output),
        Ansi = AnsiSupport.Detect,
        ColorSystem = ColorSystemSupport.Detect,
        Interactive = InteractionSupport.Yes,
    });

    private int _total;

    /// <summary>The number of devices, for the progress line.</summary>
    public void Expect(IEnumerable<string> devices)
    {
        ArgumentNullException.ThrowIfNull(devices);
        foreach (var device in devices)
        {
            _progress.Add(device, DeviceState.Pending.Name());
            _total++;
        }
    }

    public void DeviceStarted(string device) => _progress.Started(device);

    public void StateChanged(string device, DeviceState state) => _progress.State(device, state.Name());

    public void Finished(DeviceResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        _progress.Finish(result.Name, result.FromJournal ? "connected (journal)" : result.Status);
    }

    public async Task<T> RunAsync<T>(Func<Task<T>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        T result = default!;
        await _console.Live(Render()).AutoClear(false).StartAsync(async context =>
        {
            var running = work();
            while (await Task.WhenAny(running, Task.Delay(Refresh, cancellationToken)).ConfigureAwait(false) != running && !cancellationToken.IsCancellationRequested)
            {
                context.UpdateTarget(Render());
            }

            context.UpdateTarget(Render());
            result = await running.ConfigureAwait(false);
        }).ConfigureAwait(false);
        return result;
    }

    public void Summary(BatchSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        summary.WriteText(output);
    }

    private Table Render()
    {
        var rows = _progress.Snapshot();
        var done = rows.Count(r => r.Done);
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("device").AddColumn("state").AddColumn(new TableColumn("elapsed").RightAligned());
        foreach (var (device, state, elapsed, _) in rows.OrderBy(r => r.Done).ThenBy(r => r.State == "pending").Take(MaxRows))
        {
            table.AddRow(Markup.Escape(device), Color(state), (elapsed / 1000.0).ToString("0.0 s", CultureInfo.InvariantCulture));
        }

        var total = Math.Max(_total, rows.Count);
        table.Caption(string.Create(CultureInfo.InvariantCulture, $"{done}/{total} done, {rows.Count(r => !r.Done && r.State != "pending")} in progress"));
        return table;
    }

    private static string Color(string state) => state switch
    {
        "connected" or "connected (journal)" => $"[green]{state}[/]",
        "failed" => "[red]failed[/]",
        "unknown" => "[yellow]unknown[/]",
        "applying" => "[blue]applying[/]",
        _ => Markup.Escape(state),
    };
}
