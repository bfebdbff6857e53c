using Microsoft.JSInterop;

namespace EspProv.Web.Bluetooth;

/// <summary>What the chooser offers: devices named with a prefix, or every device, with the provisioning service UUIDs the page may use.</summary>
/// <param name="NamePrefix">Advertised name prefix (firmware examples use <c>PROV_</c>).</param>
/// <param name="AllDevices">Offer every device in range instead of filtering by name.</param>
/// <param name="ServiceUuids">Service UUIDs the page may open: a browser only lets a page use services it named in the request.</param>
public sealed record DeviceFilter(string NamePrefix, bool AllDevices, IReadOnlyList<string> ServiceUuids)
{
    /// <summary>The service UUID of wifi_prov_mgr's example (<c>wifi_prov_scheme_ble_set_service_uuid</c>), which esp_prov also assumes.</summary>
    public const string ExampleServiceUuid = "021a9004-0382-4aea-bff4-6b3f1c5adfb4";

    /// <summary>The default service UUID of <c>wifi_prov_scheme_ble</c> when the application sets none.</summary>
    public const string DefaultServiceUuid = "1775244d-6b43-439b-877c-060f2d9bed07";

    /// <summary><c>PROV_</c> devices with both well-known service UUIDs, plus <paramref name="customUuid"/> when given.</summary>
    public static DeviceFilter Create(bool allDevices, string? customUuid)
    {
        var uuids = new List<string> { ExampleServiceUuid, DefaultServiceUuid };
        if (!string.IsNullOrWhiteSpace(customUuid))
        {
            uuids.Insert(0, Guid.Parse(customUuid.Trim()).ToString("D"));
        }

        return new DeviceFilter("PROV_", allDevices, uuids);
    }
}

/// <summary>The page's handle on <c>navigator.bluetooth</c> (wwwroot/js/webble.js).</summary>
public sealed class WebBluetooth(IJSRuntime js) : IAsyncDisposable
{
    private IJSObjectReference? _module;

    /// <summary><c>available</c>, <c>missing</c> (no Web Bluetooth in this browser), <c>insecure</c> (not HTTPS or localhost) or <c>no-adapter</c>.</summary>
    public async Task<string> AvailabilityAsync(CancellationToken cancellationToken = default) =>
        await (await ModuleAsync(cancellationToken).ConfigureAwait(false)).InvokeAsync<string>("availability", cancellationToken).ConfigureAwait(false);

    /// <summary>Marks the page interactive once (<c>performance.mark('espprov-ready')</c>, <c>data-ready</c> on the root element).</summary>
    public async Task MarkReadyAsync(CancellationToken cancellationToken = default) =>
        await (await ModuleAsync(cancellationToken).ConfigureAwait(false)).InvokeVoidAsync("markReady", cancellationToken).ConfigureAwait(false);

    internal async ValueTask<IJSObjectReference> RequestDeviceAsync(DeviceFilter filter, CancellationToken cancellationToken) =>
        await (await ModuleAsync(cancellationToken).ConfigureAwait(false))
            .InvokeAsync<IJSObjectReference>("requestDevice", cancellationToken, filter.NamePrefix, filter.AllDevices, filter.ServiceUuids)
            .ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_module is not null)
        {
            await _module.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async ValueTask<IJSObjectReference> ModuleAsync(CancellationToken cancellationToken) =>
        _module ??= await js.InvokeAsync<IJSObjectReference>("import", cancellationToken, "./js/webble.js").ConfigureAwait(false);
}
