using EspProv.Cli.Output;
using EspProv.Provisioning;

namespace EspProv.Cli.Batch;

/// <summary>
/// What a batch run shows while it runs and at the end: JSON Lines (<see cref="JsonBatchView"/>), a live table on a
/// terminal (<see cref="LiveBatchView"/>) or plain lines (<see cref="PlainBatchView"/>). Called from concurrent devices.
/// </summary>
internal interface IBatchView
{
    /// <summary>An observer of one device's steps (JSON step events), or null.</summary>
    IProvisioningObserver? StepObserver(string device) => null;

    /// <summary>The device of <paramref name="device"/> started its attempt (its clock starts).</summary>
    void DeviceStarted(string device);

    /// <summary>A state was committed to the journal.</summary>
    void StateChanged(string device, DeviceState state);

    /// <summary>The device's outcome.</summary>
    void Finished(DeviceResult result);

    /// <summary>Runs the whole batch inside the view (the live table refreshes meanwhile).</summary>
    Task<T> RunAsync<T>(Func<Task<T>> work, CancellationToken cancellationToken) => work();

    /// <summary>The run's summary, last.</summary>
    void Summary(BatchSummary summary);
}

/// <summary><c>--json</c>: step events per device, one result event per device, a summary event.</summary>
internal sealed class JsonBatchView(JsonLinesWriter writer) : IBatchView
{
    public IProvisioningObserver? StepObserver(string device) => new JsonStepObserver(writer, device);

    public void DeviceStarted(string device)
    {
    }

    public void StateChanged(string device, DeviceState state)
    {
    }

    public void Finished(DeviceResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        writer.Write(result);
    }

    public void Summary(BatchSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        writer.Write(summary.ToEvent());
    }
}

/// <summary>Without a terminal: one line per committed state and per outcome, then the text summary.</summary>
internal sealed class PlainBatchView(TextWriter output) : IBatchView
{
    private readonly BatchProgress _progress = new();

    public void DeviceStarted(string device) => _progress.Started(device);

    public void StateChanged(string device, DeviceState state)
    {
        // A settled state gets its own line with the details from Finished.
        if (!state.IsSettled())
        {
            output.WriteLine($"{CliOutputName(device)}: {state.Name()} ({_progress.ElapsedMs(device)} ms)");
        }
    }

    public void Finished(DeviceResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        output.WriteLine($"{CliOutputName(result.Name)}: {result.Status}" + BatchSummary.Details(result));
    }

    public void Summary(BatchSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        summary.WriteText(output);
    }

    private static string CliOutputName(string device) => Provision.CliOutput.Shown(device);
}
