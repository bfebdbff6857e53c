using EspProv.Device.Core;
using EspProv.Device.Protocomm;
using Microsoft.Extensions.Logging;

namespace EspProv.Device.Ble.Peripheral;

/// <summary>
/// The value logic of the provisioning service, without D-Bus (docs/ble.md#requests-and-responses), so it can be
/// unit-tested and fuzzed: a write runs the endpoint through <see cref="DeviceService"/> and stores the response as the
/// characteristic's value before it is acknowledged; a read returns the stored value from an offset. Values are per
/// characteristic, shared by every connection and never cleared on disconnect. Sessions are keyed by the central's
/// connection: the first write of a connected central opens a device link, its disconnect closes it (and with it the
/// session, as on ESP-IDF).
/// </summary>
internal sealed class GattProvisioningServer
{
    /// <summary>ATT's longest attribute value; NimBLE has no smaller protocomm limit
    /// (docs/ble.md#requests-and-responses, Inferred).</summary>
    public const int AttributeMaxBytes = 512;

    /// <summary>Bluedroid's <c>CHAR_VAL_LEN_MAX</c> with security 2 support (the default since IDF 5.0).</summary>
    public const int BluedroidMaxBytes = 481;

    private readonly DeviceService _device;
    private readonly BleStack _stack;
    private readonly ILogger _logger;
    private readonly byte[][] _values;
    private readonly byte[][] _names;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, long> _links = new(StringComparer.Ordinal);

    public GattProvisioningServer(DeviceService device, IReadOnlyList<GattEndpoint> endpoints, BleStack stack, ILogger logger)
    {
        _device = device;
        _stack = stack;
        _logger = logger;
        Endpoints = endpoints;
        _values = [.. endpoints.Select(_ => Array.Empty<byte>())];
        // Exactly strlen(name) bytes, no NUL: clients use the text verbatim as a key
        // (docs/ble.md#attributes-and-descriptors, #what-the-phone-apps-need).
        _names = [.. endpoints.Select(e => System.Text.Encoding.ASCII.GetBytes(e.Name))];
    }

    /// <summary>The characteristics, in service order.</summary>
    public IReadOnlyList<GattEndpoint> Endpoints { get; }

    public BleStack Stack => _stack;

    /// <summary>Raised after a central's link was closed on the device (its session ended), with the link number.</summary>
    public event Action<long>? LinkClosed;

    /// <summary>Centrals with an open device link.</summary>
    public int OpenLinks
    {
        get
        {
            lock (_lock)
            {
                return _links.Count;
            }
        }
    }

    /// <summary>The centrals (their Device1 paths) with an open device link.</summary>
    public string[] Centrals
    {
        get
        {
            lock (_lock)
            {
                return [.. _links.Keys];
            }
        }
    }

    /// <summary>A characteristic read: the stored value from <paramref name="offset"/> (a long read asks again with offsets).</summary>
    public GattReadOutcome ReadCharacteristic(int index, int offset)
    {
        byte[] value;
        lock (_lock)
        {
            value = _values[index];
        }

        // An attribute value is at most 512 bytes on air (a NimBLE response longer than that is cut, Inferred).
        var visible = value.AsSpan(0, Math.Min(value.Length, AttributeMaxBytes));
        return offset < 0 || offset > visible.Length ? GattReadOutcome.Failed(GattError.InvalidOffset) : GattReadOutcome.Of(visible[offset..].ToArray());
    }

    /// <summary>A read of a characteristic's 0x2901 descriptor: the endpoint name from <paramref name="offset"/>.</summary>
    public GattReadOutcome ReadDescriptor(int index, int offset)
    {
        var name = _names[index];
        return offset < 0 || offset > name.Length ? GattReadOutcome.Failed(GattError.InvalidOffset) : GattReadOutcome.Of(name[offset..]);
    }

    /// <summary>Descriptors are read-only.</summary>
    public static GattWriteOutcome WriteDescriptor() => GattWriteOutcome.Failed(GattError.NotPermitted);

    /// <summary>
    /// A characteristic write (a Write Request, or a long write BlueZ already reassembled) from <paramref name="central"/>
    /// (the <c>device</c> option), with the link's ATT <paramref name="mtu"/>.
    /// </summary>
    public async Task<GattWriteOutcome> WriteCharacteristicAsync(string central, int index, byte[] value, int offset, int mtu, CancellationToken cancellationToken)
    {
        var endpoint = Endpoints[index].Name;
        if (offset != 0)
        {
            // BlueZ hands over a long write whole, without offset; an offset comes only from a prepare queue with gaps,
            // which no Espressif client sends. Refused as Bluedroid refuses a chunk outside its buffer.
            return Refuse(central, endpoint, value.Length, GattError.InvalidOffset);
        }

        if (value.Length > AttributeMaxBytes || (_stack == BleStack.Bluedroid && value.Length > BluedroidMaxBytes && value.Length > mtu - 3))
        {
            // A long write past the attribute (or past Bluedroid's prepare buffer): ATT 0x0D, the handler never runs.
            return Refuse(central, endpoint, value.Length, GattError.InvalidValueLength);
        }

        if (value.Length == 0 && _stack == BleStack.NimBle)
        {
            // NimBLE acknowledges an empty write without running the handler; Bluedroid runs it with 0 bytes (an error).
            Record(ExistingLink(central), endpoint, 0, DeviceRequestOutcome.Answered, 0);
            return GattWriteOutcome.Acknowledged;
        }

        var link = LinkOf(central);
        var reply = await _device.ExchangeAsync(link, endpoint, value, SessionKeying.ByLink, cancellationToken).ConfigureAwait(false);
        if (reply.Ending == DeviceExchange.Ending.Answered && reply.Response is { } response)
        {
            Store(index, endpoint, response);
            Record(link, endpoint, value.Length, DeviceRequestOutcome.Answered, response.Length);
            return GattWriteOutcome.Acknowledged;
        }

        // Protocol errors and injected faults alike: firmware's "Invalid content received" path.
        Record(link, endpoint, value.Length, DeviceRequestOutcome.Closed, 0);
        return _stack == BleStack.NimBle ? GattWriteOutcome.Failed(GattError.ProtocolError) : new GattWriteOutcome(GattWriteAction.DropLink);
    }

    /// <summary>The central disconnected (Device1.Connected went false, or it vanished): its link and session end.</summary>
    public async Task CentralDisconnectedAsync(string central)
    {
        long link;
        lock (_lock)
        {
            if (!_links.Remove(central, out link))
            {
                return;
            }
        }

        await _device.CloseLinkAsync(link, SessionKeying.ByLink).ConfigureAwait(false);
        LinkClosed?.Invoke(link);
    }

    /// <summary>Closes every open link (the device stops); returns how many.</summary>
    public async Task<int> CloseAllAsync()
    {
        var centrals = Centrals;
        foreach (var central in centrals)
        {
            await CentralDisconnectedAsync(central).ConfigureAwait(false);
        }

        return centrals.Length;
    }

    private long LinkOf(string central)
    {
        lock (_lock)
        {
            if (!_links.TryGetValue(central, out var link))
            {
                link = _device.OpenLink();
                _links[central] = link;
            }

            return link;
        }
    }

    private void Store(int index, string endpoint, byte[] response)
    {
        if (_stack == BleStack.Bluedroid && response.Length > BluedroidMaxBytes)
        {
            // Bluedroid cannot store it, ignores the error and still acknowledges: the next read returns the previous value.
            _logger.BleResponseTooLong(endpoint, response.Length, BluedroidMaxBytes);
            return;
        }

        lock (_lock)
        {
            _values[index] = response;
        }
    }

    /// <summary>The central's link, or 0 when it has none yet (a request the device refused before it opened one).</summary>
    private long ExistingLink(string central)
    {
        lock (_lock)
        {
            return _links.GetValueOrDefault(central);
        }
    }

    private GattWriteOutcome Refuse(string central, string endpoint, int length, GattError error)
    {
        Record(ExistingLink(central), endpoint, length, DeviceRequestOutcome.Rejected, 0);
        return GattWriteOutcome.Failed(error);
    }

    private void Record(long link, string endpoint, int length, DeviceRequestOutcome outcome, int responseBytes) =>
        _device.Record(new RequestEntry(link, endpoint, length, outcome, responseBytes, "ble", null, _device.Recurring("ble write ", endpoint)));
}
