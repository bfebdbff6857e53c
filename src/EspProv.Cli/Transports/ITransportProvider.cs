using EspProv.Cli.Doctor;
using EspProv.Device;
using EspProv.Transport;
using Microsoft.Extensions.Logging;

namespace EspProv.Cli.Transports;

/// <summary>What a transport needs from the run, independent of which transport it is.</summary>
/// <param name="Settings">The parsed flags.</param>
/// <param name="SimulatorTarget">Where the embedded simulated device is, when <c>--simulate</c> started one (<see cref="SimulatorTarget.Target"/>).</param>
/// <param name="RequestTimeout">Longest wait for one request.</param>
/// <param name="LoggerFactory">Where the transport logs (the <c>-v</c> detail); null = nowhere.</param>
/// <param name="Terminal">The user, for a transport that lets them pick the device; null = nobody to ask.</param>
/// <param name="Print">Writes a line of the run's output (a device table).</param>
/// <param name="BusAddress">The D-Bus bus BlueZ is on, when not the system bus (the simulator's virtual BlueZ, tests).</param>
internal sealed record TransportContext(ProvisionSettings Settings, string? SimulatorTarget, TimeSpan RequestTimeout, ILoggerFactory? LoggerFactory,
    ITerminal? Terminal = null, Action<string>? Print = null, string? BusAddress = null);

/// <summary>A transport ready for the flow, and how to name its target in messages.</summary>
internal sealed record TransportSetup(IProvisioningTransport Transport, string Target);

/// <summary>Why a transport could not be set up: the exit code and one line.</summary>
internal sealed record TransportSetupError(int ExitCode, string Message, string? EspProvLine = null);

/// <summary>What <c>esp-prov doctor</c> hands a transport's own checks.</summary>
/// <param name="Report">Where checks are added, in order.</param>
/// <param name="Doctor">The doctor's flags.</param>
/// <param name="Network">The computer's network, for reachability checks.</param>
/// <param name="BusAddress">The D-Bus bus BlueZ is on, when not the system bus.</param>
internal sealed record DoctorContext(DoctorReport Report, DoctorSettings Doctor, INetworkInfo Network, string? BusAddress);

/// <summary>The embedded <c>--simulate</c> device as one transport serves it.</summary>
/// <param name="Target">What the run connects to (<see cref="TransportContext.SimulatorTarget"/>).</param>
/// <param name="BusAddress">A private BlueZ's bus, when the transport needs one.</param>
/// <param name="Resources">What the front-end started beside the device (a virtual BlueZ), stopped after it.</param>
internal sealed record SimulatorTarget(string Target, string? BusAddress = null, IAsyncDisposable? Resources = null);

/// <summary>
/// One kind of transport, everything the CLI knows of it: its <c>--transport</c> names, its own flags, the device
/// front-end of <c>--simulate</c>, its doctor checks, whether batch manifests may name it, and the transport itself.
/// A new transport is a folder under <c>Transports/</c> with one of these and a line in <see cref="TransportFactory"/>.
/// </summary>
internal interface ITransportProvider
{
    /// <summary>The <c>--transport</c> values it answers to (the first is its name).</summary>
    IReadOnlyList<string> Names { get; }

    /// <summary>True when a batch manifest may name it.</summary>
    bool InBatch { get; }

    /// <summary>What <c>doctor</c>'s description says its own checks look at; null = none of its own.</summary>
    string? DoctorHelp { get; }

    /// <summary>Its doctor checks in order (before the device checks every transport shares), for skips and timeouts.</summary>
    IReadOnlyList<string> DoctorCheckNames { get; }

    /// <summary>
    /// Its own flags checked and normalised, once for every command: <paramref name="settings"/>, changed where the
    /// transport reads a flag its own way, or with <see cref="ProvisionSettings.UsageError"/> set.
    /// </summary>
    ProvisionSettings Apply(ProvisionSettings settings);

    /// <summary>Where a QR payload's <c>name</c> goes for this transport (the network to join, or the name to find).</summary>
    ProvisionSettings WithQrName(ProvisionSettings settings, string? name, bool serviceNameGiven);

    /// <summary>The device as a run names it before connecting (transcripts).</summary>
    string DescribeTarget(ProvisionSettings settings);

    /// <summary>
    /// Runs its own doctor checks, adding them to the report; when they pass, runs <paramref name="deviceChecks"/> with
    /// the settings that reach the device (e.g. the device found) and returns its verdict.
    /// </summary>
    Task<int> DoctorAsync(DoctorContext context, Func<ProvisionSettings, CancellationToken, Task<int>> deviceChecks, CancellationToken cancellationToken);

    /// <summary>Starts <paramref name="options"/> as the <c>--simulate</c> device, served over this transport.</summary>
    Task<(SimulatedDevice Device, SimulatorTarget Target)> StartSimulatorAsync(SimulatedDeviceOptions options, ProvisionSettings settings, Action<string> print,
        CancellationToken cancellationToken);

    /// <summary>What <c>--transport</c>'s help says of it, e.g. <c>ble (GATT through BlueZ, Linux)</c>.</summary>
    string TransportHelp { get; }

    /// <summary>Its own flags of the provisioning command and doctor, made once per command.</summary>
    ITransportFlags CreateFlags();

    /// <summary>What <c>simulate --transport</c>'s help says of it, e.g. <c>softap: HTTP on --listen</c>.</summary>
    string SimulateHelp { get; }

    /// <summary>Its part of <c>esp-prov simulate</c> (flags and front-end), made once per command.</summary>
    ISimulateFrontEnd CreateSimulator();

    /// <summary>How <c>batch --discover</c> finds and reaches its devices; null = they cannot be discovered.</summary>
    IDiscoverySupport? Discovery { get; }

    /// <summary>The logger category of its transport in the library and the prefix of those <c>-v</c> lines, e.g.
    /// <c>("EspProv.Transport.Ble.", "ble: ")</c>; null = its lines are bare.</summary>
    (string Category, string Prefix)? LogPrefix { get; }

    /// <summary>Creates the transport, or says why it cannot.</summary>
    ValueTask<(TransportSetup? Setup, TransportSetupError? Error)> CreateAsync(TransportContext context, CancellationToken cancellationToken);
}

/// <summary>
/// The one place the CLI turns <c>--transport</c> into a transport provider: a new transport is one line in
/// <see cref="Providers"/>, not an edit of the run.
/// </summary>
internal static class TransportFactory
{
    private static readonly ITransportProvider[] Providers = [new SoftAp.SoftApTransportProvider(), new Ble.BleTransportProvider(), new Console.ConsoleTransportProvider()];

    /// <summary>The transport used when <c>--transport</c> is not given (esp_prov's default): the first registered.</summary>
    public static string DefaultName => Providers[0].Names[0];

    /// <summary>Every accepted <c>--transport</c> value, for messages.</summary>
    public static string KnownNames => string.Join(", ", Providers.SelectMany(p => p.Names));

    /// <summary>The transports <c>simulate --transport</c> serves, for messages: <c>a, b or c</c>.</summary>
    public static string SimulateNames => string.Join(", ", Providers[..^1].Select(p => p.Names[0])) + " or " + Providers[^1].Names[0];

    /// <summary>The values a batch manifest's <c>transport</c> column accepts, for messages.</summary>
    public static string BatchNames => string.Join(" or ", Providers.Where(p => p.InBatch).SelectMany(p => p.Names));

    /// <summary>The kinds of device <c>batch --discover</c> can find, for messages: <c>soft-AP and BLE</c>.</summary>
    public static string DiscoverableKinds => string.Join(" and ", Providers.Where(p => p.Discovery is not null).Select(p => p.Discovery!.DeviceKind));

    /// <summary>The <c>-v</c> prefix of a library logger category (its transport's), or empty.</summary>
    public static string LogPrefix(string category) =>
        Providers.Select(p => p.LogPrefix).FirstOrDefault(l => l is { } v && category.StartsWith(v.Category, StringComparison.Ordinal))?.Prefix ?? string.Empty;

    /// <summary>Finds the provider for <paramref name="name"/> (null = the default), ignoring case.</summary>
    public static ITransportProvider? Find(string? name) =>
        Providers.FirstOrDefault(p => p.Names.Contains(name ?? DefaultName, StringComparer.OrdinalIgnoreCase));

    /// <summary>Every registered provider, in registration order.</summary>
    public static IReadOnlyList<ITransportProvider> All => Providers;

    /// <summary>The provider of settings already checked (<see cref="ProvisionSettings.From"/> refuses an unknown name).</summary>
    public static ITransportProvider For(ProvisionSettings settings) =>
        Find(settings.Transport) ?? throw new InvalidOperationException($"unknown transport '{settings.Transport}' passed the settings check");

    /// <summary>Creates the transport the run's <c>--transport</c> names.</summary>
    public static ValueTask<(TransportSetup? Setup, TransportSetupError? Error)> CreateAsync(TransportContext context, CancellationToken cancellationToken) =>
        Find(context.Settings.Transport) is { } provider
            ? provider.CreateAsync(context, cancellationToken)
            : ValueTask.FromResult<(TransportSetup?, TransportSetupError?)>((null, new TransportSetupError(ExitCodes.Usage,
                $"--transport {context.Settings.Transport} is not supported: use one of {KnownNames}")));
}
