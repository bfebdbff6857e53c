using EspProv.Transport;
using Microsoft.Extensions.Logging;

namespace EspProv.Cli.Transports;

/// <summary>What a transport needs from the run, independent of which transport it is.</summary>
/// <param name="Settings">The parsed flags.</param>
/// <param name="SimulatorTarget">Where the embedded simulated device is, when <c>--simulate</c> started one (its address).</param>
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

/// <summary>Builds one kind of transport from the run's flags.</summary>
internal interface ITransportProvider
{
    /// <summary>The <c>--transport</c> values it answers to (the first is its name).</summary>
    IReadOnlyList<string> Names { get; }

    /// <summary>Creates the transport, or says why it cannot.</summary>
    ValueTask<(TransportSetup? Setup, TransportSetupError? Error)> CreateAsync(TransportContext context, CancellationToken cancellationToken);
}

/// <summary>
/// The one place the CLI turns <c>--transport</c> into a transport: a new transport is a new provider in
/// <see cref="Providers"/>, not an edit of the run.
/// </summary>
internal static class TransportFactory
{
    /// <summary>The transport used when <c>--transport</c> is not given (esp_prov's default).</summary>
    public const string DefaultName = "softap";

    private static readonly ITransportProvider[] Providers = [new SoftApTransportProvider(), new BleTransportProvider()];

    /// <summary>Every accepted <c>--transport</c> value, for messages.</summary>
    public static string KnownNames => string.Join(", ", Providers.SelectMany(p => p.Names));

    /// <summary>Finds the provider for <paramref name="name"/> (null = the default), ignoring case.</summary>
    public static ITransportProvider? Find(string? name) =>
        Providers.FirstOrDefault(p => p.Names.Contains(name ?? DefaultName, StringComparer.OrdinalIgnoreCase));

    /// <summary>Creates the transport the run's <c>--transport</c> names.</summary>
    public static ValueTask<(TransportSetup? Setup, TransportSetupError? Error)> CreateAsync(TransportContext context, CancellationToken cancellationToken) =>
        Find(context.Settings.Transport) is { } provider
            ? provider.CreateAsync(context, cancellationToken)
            : ValueTask.FromResult<(TransportSetup?, TransportSetupError?)>((null, new TransportSetupError(ExitCodes.Usage,
                $"--transport {context.Settings.Transport} is not supported: use one of {KnownNames}")));
}
