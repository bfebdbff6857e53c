namespace EspProv.Device.Core;

/// <summary>
/// One way of reaching the simulated device (HTTP, BLE, in-memory): it carries requests to the shared
/// <see cref="DeviceService"/> and renders its answers in its own framing. The device stops every front-end together.
/// </summary>
internal interface IDeviceFrontEnd : IAsyncDisposable
{
    /// <summary>Short name for logs and records: <c>http</c>, <c>ble</c>, <c>memory</c>.</summary>
    string Name { get; }

    /// <summary>Where a client finds the device through this front-end, for people: a URL, an advertised name, a path.</summary>
    string Address { get; }

    /// <summary>Links open right now.</summary>
    int OpenLinks { get; }

    /// <summary>Closes every open link at once (a request in progress on one is lost); returns how many.</summary>
    int DropLinks();

    /// <summary>Stops accepting links and closes the open ones. Idempotent.</summary>
    Task StopAsync(CancellationToken cancellationToken = default);
}
