using EspProv.Transport.Ble.Bluez;
using Microsoft.Extensions.Logging.Abstractions;
using Tmds.DBus.Protocol;

namespace EspProv.Transport.Ble;

/// <summary>A local Bluetooth adapter as BlueZ lists it.</summary>
/// <param name="Name">Its short name (<c>hci0</c>).</param>
/// <param name="Address">Its Bluetooth address, when BlueZ states one.</param>
/// <param name="Powered">True when it is powered on (and not blocked).</param>
public sealed record BleAdapterInfo(string Name, string? Address, bool Powered);

/// <summary>What a trial connection found on a device: its provisioning service and endpoints.</summary>
/// <param name="ServiceUuid">The provisioning service's UUID.</param>
/// <param name="Endpoints">The endpoint names found (e.g. <c>proto-ver</c>), in ordinal order.</param>
/// <param name="NamedByDescriptor">How many of them carry a user-description (0x2901) descriptor naming them.</param>
public sealed record BleServiceInfo(string ServiceUuid, IReadOnlyList<string> Endpoints, int NamedByDescriptor);

/// <summary>
/// The computer's side of BLE through BlueZ on Linux, for checking a set-up before provisioning: the adapters and
/// their state, finding one device, and a trial connection to its provisioning service. Provisioning itself goes
/// through <see cref="BleTransport"/>.
/// </summary>
public sealed class BleHost : IDisposable
{
    private readonly BluezClient _client;
    private readonly TimeProvider _time;

    private BleHost(BluezClient client, TimeProvider time)
    {
        _client = client;
        _time = time;
    }

    /// <summary>The D-Bus address BlueZ answered on (its first component).</summary>
    public string BusAddress => _client.BusAddress.Split(',')[0];

    /// <summary>Connects to BlueZ on the system bus (or <paramref name="busAddress"/>).</summary>
    /// <exception cref="BleTransportException"><see cref="Exceptions.TransportFailure.Unavailable"/>: not Linux, no bus, BlueZ not running.</exception>
    public static async Task<BleHost> OpenAsync(string? busAddress = null, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        var time = timeProvider ?? TimeProvider.System;
        return new BleHost(await BleDiscovery.OpenAsync(busAddress, time, string.Empty, cancellationToken).ConfigureAwait(false), time);
    }

    /// <summary>The adapters BlueZ lists now, in its order.</summary>
    public IReadOnlyList<BleAdapterInfo> Adapters() =>
        [.. _client.PathsWith(BluezApi.Adapter).Select(path => new BleAdapterInfo(BluezAdapters.ShortName(path),
            _client.Properties(path, BluezApi.Adapter) is { } props && props.TryGetValue("Address", out var v) && v.Type == VariantValueType.String ? v.GetString() : null,
            _client.Is(path, BluezApi.Adapter, "Powered", true)))];

    /// <summary>
    /// Scans on <paramref name="adapter"/> until the device of <paramref name="options"/> (its service name or address)
    /// is heard, or <see cref="BleTransportOptions.ScanTimeout"/> passes.
    /// </summary>
    /// <exception cref="BleTransportException"><see cref="Exceptions.TransportFailure.DeviceNotFound"/> when it is not heard.</exception>
    public Task<BleDevice> FindAsync(string adapter, BleTransportOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(adapter);
        ArgumentNullException.ThrowIfNull(options);
        return BleConnector.FindAsync(_client, AdapterPath(adapter), options, _time, string.Empty, NullLogger.Instance, cancellationToken);
    }

    /// <summary>
    /// Connects to <paramref name="device"/> as <see cref="BleTransport"/> does (once a scan hears it; a connection that
    /// fails or drops while it is set up is tried again, 3 attempts in all), reads its provisioning service and endpoints,
    /// and disconnects. <paramref name="connectTimeout"/> bounds each attempt.
    /// </summary>
    /// <exception cref="BleTransportException">The connection failed, or <see cref="Exceptions.TransportFailure.EndpointNotFound"/>: no provisioning service.</exception>
    public async Task<BleServiceInfo> ProbeAsync(BleDevice device, TimeSpan connectTimeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(device);
        // As provisioning connects (BleTransport): after a scan that hears it, up to 3 attempts.
        var options = new BleTransportOptions { ServiceName = device.Name, Address = device.Address, ConnectTimeout = connectTimeout };
        var (_, link) = await BleConnector.OpenAsync(_client, AdapterPath(device.Adapter), device, options, _time, string.Empty, NullLogger.Instance, cancellationToken)
            .ConfigureAwait(false);
        try
        {
            return new BleServiceInfo(link.ServiceUuid, [.. link.Endpoints.Keys.Order(StringComparer.Ordinal)],
                link.Endpoints.Count(e => HasUserDescription(e.Value)));
        }
        finally
        {
            await BleConnector.DisconnectAsync(_client, link.DevicePath).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _client.Dispose();

    private static string AdapterPath(string name) => name.StartsWith('/') ? name : "/org/bluez/" + name;

    private bool HasUserDescription(string characteristic) =>
        _client.PathsWith(BluezApi.GattDescriptor, characteristic).Any(d =>
            _client.Properties(d, BluezApi.GattDescriptor) is { } props && props.TryGetValue("UUID", out var v) && v.Type == VariantValueType.String
            && string.Equals(v.GetString(), BluezApi.UserDescriptionUuid, StringComparison.OrdinalIgnoreCase));

}
