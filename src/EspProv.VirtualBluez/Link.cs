using EspProv.Device.Ble.DBus;

namespace EspProv.VirtualBluez;

/// <summary>
/// An LE connection between the central adapter's <see cref="RemoteDevice"/> and a <see cref="PeripheralAdapter"/>. It holds
/// the central's GATT calls still waiting for the application, so that a link loss fails them before Connected=false goes
/// out (docs/ble.md#requests-and-responses: the pending WriteValue fails with ATT error 0x0e, then Device1.Connected
/// becomes false).
/// </summary>
internal sealed class Link(RemoteDevice device, PeripheralAdapter peripheral, ushort mtu, string peerPath)
{
    private readonly List<MethodCall> _pending = [];

    public RemoteDevice Device { get; } = device;

    public PeripheralAdapter Peripheral { get; } = peripheral;

    public ushort Mtu { get; } = mtu;

    /// <summary>The central's Device1 path under the peripheral adapter: the <c>device</c> option of ReadValue/WriteValue.</summary>
    public string PeerPath { get; } = peerPath;

    public bool IsUp { get; private set; } = true;

    /// <summary>Registers a deferred central call; false if the link is already down. Call under the model's lock.</summary>
    public bool TryAddPending(MethodCall call)
    {
        if (!IsUp)
        {
            return false;
        }
        _pending.Add(call);
        return true;
    }

    /// <summary>Takes a call off the pending list; false if the link loss already answered it. Call under the model's lock.</summary>
    public bool RemovePending(MethodCall call) => _pending.Remove(call);

    /// <summary>Marks the link down and fails every pending call as BlueZ does for a request cut off by link loss.</summary>
    public void Down()
    {
        IsUp = false;
        (var name, var message) = AttErrors.ToCentralError(AttErrors.Unlikely);
        foreach (var call in _pending)
        {
            call.ReplyError(name, message);
        }
        _pending.Clear();
    }
}
