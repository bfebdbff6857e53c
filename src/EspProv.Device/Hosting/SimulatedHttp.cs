using System.Net;
using EspProv.Device.Hosting;
using Microsoft.Extensions.Logging;

namespace EspProv.Device;

/// <summary>The HTTP front-end's entry points on <see cref="SimulatedDevice"/>: the soft AP's web server (docs/protocol.md).</summary>
public static class SimulatedHttp
{
    extension(SimulatedDevice device)
    {
        /// <summary>
        /// Validates <paramref name="options"/> and <paramref name="http"/> (null = its defaults: 127.0.0.1:8080), binds
        /// the HTTP port and starts serving (in-memory links work too).
        /// </summary>
        /// <example>
        /// <code>
        /// await using var device = await SimulatedDevice.StartAsync(new SimulatedDeviceOptions { ConnectDelay = TimeSpan.Zero, LoggerFactory = loggerFactory }, new HttpDeviceOptions { Port = 0 });
        /// // provision http://127.0.0.1:{device.EndPoint.Port} with PoP "abcd1234", ssid "myssid", passphrase "mypassword"
        /// </code>
        /// </example>
        /// <exception cref="IOException">The port is in use.</exception>
        public static async Task<SimulatedDevice> StartAsync(SimulatedDeviceOptions options, HttpDeviceOptions? http = null, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(options);
            http ??= new HttpDeviceOptions();
            http.Validate();
            var started = await SimulatedDevice.StartWithAsync(options, async (service, ct) =>
                await HttpFrontEnd.StartAsync(service, http, options.TimeProvider ?? TimeProvider.System, options.LoggerFactory.CreateLogger<DeviceHttpServer>(), ct).ConfigureAwait(false),
                cancellationToken).ConfigureAwait(false);
            options.LoggerFactory.CreateLogger<SimulatedDevice>().Started(options.Flavor, (int)(options.Security?.Scheme ?? EspProv.Security.SecurityScheme.Sec1), started.Url);
            return started;
        }

        /// <summary>The device's HTTP base URL, e.g. <c>http://127.0.0.1:8080/</c> (a wildcard listen address is shown as loopback).</summary>
        /// <exception cref="InvalidOperationException">The device serves no HTTP.</exception>
        public Uri Url => device.Http.Url;

        /// <summary>The address and port the HTTP front-end listens on (the real port when <see cref="HttpDeviceOptions.Port"/> was 0).</summary>
        /// <exception cref="InvalidOperationException">The device serves no HTTP.</exception>
        public IPEndPoint EndPoint => device.Http.EndPoint;

        /// <summary>TCP connections currently open on the HTTP front-end (at most 1, like firmware); 0 without HTTP.</summary>
        public int OpenConnections => device.FrontEnd<HttpFrontEnd>()?.OpenLinks ?? 0;

        /// <summary>TCP connections accepted since start on the HTTP front-end.</summary>
        public long ConnectionsAccepted => device.FrontEnd<HttpFrontEnd>()?.Server.ConnectionsAccepted ?? 0;

        /// <summary>Connection handlers still running: the open connection plus purged ones still winding down.</summary>
        public int ConnectionHandlersRunning => device.FrontEnd<HttpFrontEnd>()?.Server.HandlersRunning ?? 0;

        private HttpFrontEnd Http => device.FrontEnd<HttpFrontEnd>() ?? throw new InvalidOperationException("this simulated device serves no HTTP");
    }
}
