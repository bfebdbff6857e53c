using EspProv.Device;
using EspProv.Transport.Console;
using Microsoft.Extensions.Logging.Abstractions;

namespace EspProv.Cli.Transports.Console;

/// <summary>
/// The device's serial console (<c>--transport console</c>, protocomm's console transport): <c>--serial</c> names the
/// port, <c>--baud</c> its speed (docs/console.md). A port that cannot be opened fails the connect step (exit 2);
/// security 2 cannot fit the console's 255-character lines and is refused by the flow before anything is sent (exit 1).
/// </summary>
internal sealed class ConsoleTransportProvider : ITransportProvider
{
    public IReadOnlyList<string> Names { get; } = ["console"];

    // A manifest names devices by address; a console device is a port of this computer.
    public bool InBatch => false;

    public IReadOnlyList<string> DoctorCheckNames { get; } = [];

    public ProvisionSettings Apply(ProvisionSettings settings)
    {
        var console = ConsoleSettings.Of(settings);
        if (console.Serial is null && !settings.Simulate)
        {
            return settings with { UsageError = settings.UsageError ?? "--transport console needs --serial: the device's serial port, e.g. /dev/ttyUSB0" };
        }

        // Linux takes only its fixed speeds; a pty ignores the speed but is checked the same way. (Without termios the
        // transport itself says the console needs Linux or macOS.)
        return console.Baud < 1 || (OperatingSystem.IsLinux() && !ConsoleTransport.SupportsBaud(console.Baud))
            ? settings with { UsageError = settings.UsageError ?? $"--baud {console.Baud} is not a speed this system's serial ports support (e.g. 115200, 460800, 921600)" }
            : settings;
    }

    // A console device's QR name names no port.
    public ProvisionSettings WithQrName(ProvisionSettings settings, string? name, bool serviceNameGiven) => settings;

    public string DescribeTarget(ProvisionSettings settings) => $"console {ConsoleSettings.Of(settings).Serial}";

    public Task<int> DoctorAsync(DoctorContext context, Func<ProvisionSettings, CancellationToken, Task<int>> deviceChecks, CancellationToken cancellationToken)
    {
        // The shared device checks open the port first: a port that cannot be opened is their connection failure.
        context.Report.Header($"console device on {ConsoleSettings.Of(context.Doctor.Provision).Serial}");
        return deviceChecks(context.Doctor.Provision, cancellationToken);
    }

    /// <summary>The device's console is a pseudo-terminal; its path is the port the run opens.</summary>
    public async Task<(SimulatedDevice Device, SimulatorTarget Target)> StartSimulatorAsync(SimulatedDeviceOptions options, ProvisionSettings settings, Action<string> print,
        CancellationToken cancellationToken)
    {
        var device = await SimulatedDevice.StartConsoleAsync(options, cancellationToken).ConfigureAwait(false);
        print($"[device] console on {device.ConsolePath}");
        return (device, new SimulatorTarget(device.ConsolePath!));
    }

    // The console's port is opened by the shared connection check.
    public string? DoctorHelp => null;

    public string TransportHelp => "console (the device's serial console: --serial)";

    public ITransportFlags CreateFlags() => new ConsoleFlags();

    public IDiscoverySupport? Discovery => null;

    public (string Category, string Prefix)? LogPrefix => null;

    public string SimulateHelp => "console: the UART console on a pseudo-terminal whose path is printed (docs/console.md)";

    public ISimulateFrontEnd CreateSimulator() => new SimulateConsole();

    public ValueTask<(TransportSetup? Setup, TransportSetupError? Error)> CreateAsync(TransportContext context, CancellationToken cancellationToken)
    {
        var console = ConsoleSettings.Of(context.Settings);
        if ((context.SimulatorTarget ?? console.Serial) is not { } port)
        {
            return ValueTask.FromResult<(TransportSetup?, TransportSetupError?)>((null, new TransportSetupError(ExitCodes.Usage,
                "--transport console needs --serial: the device's serial port, e.g. /dev/ttyUSB0")));
        }

        var transport = new ConsoleTransport(port, new ConsoleTransportOptions
        {
            Baud = console.Baud,
            RequestTimeout = context.RequestTimeout,
            LoggerFactory = context.LoggerFactory ?? NullLoggerFactory.Instance,
        });
        return ValueTask.FromResult<(TransportSetup?, TransportSetupError?)>((new TransportSetup(transport, $"console {port}"), null));
    }
}
