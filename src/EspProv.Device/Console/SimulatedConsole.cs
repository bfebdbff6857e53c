using EspProv.Device.Console;

namespace EspProv.Device;

/// <summary>The console front-end's entry points on <see cref="SimulatedDevice"/> (docs/console.md).</summary>
public static class SimulatedConsole
{
    extension(SimulatedDevice device)
    {
        /// <summary>
        /// Validates the options and starts a device whose UART console is a pseudo-terminal, behaving as ESP-IDF's
        /// protocomm console (in-memory links work too). Clients open its <c>ConsolePath</c> like a serial port.
        /// </summary>
        /// <example>
        /// <code>
        /// await using var device = await SimulatedDevice.StartConsoleAsync(new SimulatedDeviceOptions());
        /// await using var transport = new ConsoleTransport(device.ConsolePath!);
        /// </code>
        /// </example>
        /// <exception cref="ArgumentException">Invalid options, or an ESP8266 flavor (its simulator has no console).</exception>
        /// <exception cref="PlatformNotSupportedException">Not Linux or macOS (no pseudo-terminals).</exception>
        /// <exception cref="IOException">The pseudo-terminal could not be created.</exception>
        public static Task<SimulatedDevice> StartConsoleAsync(SimulatedDeviceOptions options, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(options);
            return SimulatedDevice.StartWithAsync(options, (service, _) =>
                Task.FromResult<Core.IDeviceFrontEnd>(ConsoleFrontEnd.Start(service, options.TimeProvider ?? TimeProvider.System)), cancellationToken);
        }

        /// <summary>The console's pseudo-terminal (e.g. <c>/dev/pts/3</c>); null when the device has no console.</summary>
        public string? ConsolePath => device.FrontEnd<ConsoleFrontEnd>()?.Path;
    }
}
