using System.CommandLine;
using EspProv.Device;

namespace EspProv.Cli.Transports;

/// <summary>What <c>esp-prov simulate</c> hands the transport that serves its devices.</summary>
/// <param name="Output">Where the devices' lines go (addresses, the QR label, request logs).</param>
/// <param name="Error">Where a start-up failure is reported.</param>
/// <param name="Count">How many devices (<c>--devices</c>).</param>
/// <param name="Options">The options of device <c>i</c> (0-based), faults of <c>--faults-file</c> included.</param>
/// <param name="Started">Called with each device once it serves (arms its <c>--faults-file</c> faults).</param>
/// <param name="PrintLabel">Prints a single device's label: its QR code and payload for a name, the QR's transport and the transport's name for people.</param>
/// <param name="PrintDataset">Prints the Thread dataset a netprov Thread device's label names (nothing otherwise).</param>
internal sealed record SimulateRun(TextWriter Output, TextWriter Error, int Count, Func<int, SimulatedDeviceOptions> Options, Action<int, SimulatedDevice> Started,
    Action<string, string, string> PrintLabel, Action PrintDataset)
{
    /// <summary>The prefix of device <paramref name="i"/>'s lines: none for a single device.</summary>
    public string Prefix(int i) => Count == 1 ? string.Empty : $"[device {i + 1}] ";

    /// <summary>Runs <paramref name="start"/>, then keeps the devices serving until Ctrl+C (also during the start), and says so.</summary>
    public async Task ServeAsync(Func<Task> start, CancellationToken cancellationToken)
    {
        try
        {
            await start().ConfigureAwait(false);
            Output.WriteLine("press Ctrl+C to stop");
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Output.WriteLine("stopping");
        }
    }
}

/// <summary>
/// One transport's part of <c>esp-prov simulate</c>, made per command: its own flags, their checks, and starting the
/// devices behind its front-end. <see cref="ITransportProvider.CreateSimulator"/> makes it.
/// </summary>
internal interface ISimulateFrontEnd
{
    /// <summary>Its flags, shown in <c>simulate --help</c> after <c>--transport</c>.</summary>
    IEnumerable<Option> Options { get; }

    /// <summary>
    /// Checks its flags, whether or not it was chosen (<paramref name="chosen"/>: a flag of another transport is a usage
    /// error); throws <see cref="FormatException"/> with the one line to print.
    /// </summary>
    void Check(ParseResult result, bool chosen, DeviceFlavor flavor, int count);

    /// <summary>Starts the devices, prints where clients find them, serves until Ctrl+C and stops them; the exit code.</summary>
    Task<int> RunAsync(SimulateRun run, ParseResult result, CancellationToken cancellationToken);
}
