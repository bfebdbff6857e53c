using EspProv.Device.Ble.DBus;
using Microsoft.Extensions.Logging;
using Tmds.DBus.Protocol;

namespace EspProv.Device.Ble.Peripheral;

/// <summary>
/// The D-Bus objects of the BLE front-end (docs/ble.md#bluez-peripheral-role): the GATT application (ObjectManager at
/// the application path, one primary service, per endpoint a read|write characteristic with a read-only 0x2901
/// descriptor, listed in firmware's order so BlueZ gives handles in that order) and the advertisement.
/// ReadValue/WriteValue go to the
/// <see cref="GattProvisioningServer"/>; a write is answered only once the device stored its response.
/// </summary>
internal sealed class GattApplicationObjects
{
    private static readonly string[] ReadWrite = ["read", "write"];
    private static readonly string[] ReadOnly = ["read"];

    private readonly GattProvisioningServer _server;
    private readonly Func<string, Task> _dropLink;
    private readonly CancellationToken _stopping;
    private readonly ILogger _logger;

    /// <param name="server">The value logic.</param>
    /// <param name="dropLink">Disconnects a central (Bluedroid's answer to a protocol error); completes once the link is down.</param>
    /// <param name="logger">Device log.</param>
    /// <param name="stopping">Cancelled when the front-end stops.</param>
    public GattApplicationObjects(GattProvisioningServer server, Func<string, Task> dropLink, ILogger logger, CancellationToken stopping)
    {
        _server = server;
        _dropLink = dropLink;
        _stopping = stopping;
        _logger = logger;
    }

    /// <summary>Exports the application and the advertisement on <paramref name="connection"/>.</summary>
    public void Export(DBusConnection connection, string serviceUuid, string name)
    {
        var app = new ObjectServer(connection, PeripheralNames.ApplicationPath);
        app.Export(new ExportedObject(PeripheralNames.ServicePath).With(BluezNames.GattService, new()
        {
            ["UUID"] = serviceUuid.ToLowerInvariant(),
            ["Primary"] = true,
        }));
        for (var i = 0; i < _server.Endpoints.Count; i++)
        {
            var index = i;
            var chr = CharacteristicPath(i);
            app.Export(new ExportedObject(chr) { Methods = call => HandleCharacteristic(call, index) }.With(BluezNames.GattCharacteristic, new()
            {
                ["UUID"] = _server.Endpoints[i].Uuid,
                ["Service"] = VariantValue.ObjectPath(PeripheralNames.ServicePath),
                ["Flags"] = VariantValue.Array(ReadWrite),
            }));
            app.Export(new ExportedObject(chr + "/desc0") { Methods = call => HandleDescriptor(call, index) }.With(BluezNames.GattDescriptor, new()
            {
                ["UUID"] = GattLayout.DescriptionUuid,
                ["Characteristic"] = VariantValue.ObjectPath(chr),
                ["Flags"] = VariantValue.Array(ReadOnly),
            }));
        }

        var adv = new ObjectServer(connection, PeripheralNames.AdvertisementPath);
        adv.Export(new ExportedObject(PeripheralNames.AdvertisementPath) { Methods = HandleAdvertisement }.With(BluezNames.Advertisement, new()
        {
            // Exactly one 128-bit UUID: the phone apps and esp_prov take the first (only) one as the service
            // (docs/ble.md#what-the-phone-apps-need, #esp_prov-over-ble).
            ["Type"] = "peripheral",
            ["ServiceUUIDs"] = VariantValue.Array(new[] { serviceUuid.ToLowerInvariant() }),
            ["LocalName"] = name,
            ["Discoverable"] = true,
        }));
    }

    public static string CharacteristicPath(int index) => PeripheralNames.ServicePath + "/char" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private bool HandleAdvertisement(MethodCall call)
    {
        if (call.Member != "Release")
        {
            return false;
        }

        // BlueZ dropped the advertisement itself (adapter gone, bluetoothd exit).
        _logger.BleAdvertisementReleased();
        call.ReplyEmpty();
        return true;
    }

    private bool HandleDescriptor(MethodCall call, int index)
    {
        switch (call.Member)
        {
            case "ReadValue":
                ReplyRead(call, _server.ReadDescriptor(index, Offset(call.GetReader().ReadDictionaryOfStringToVariantValue())));
                return true;
            case "WriteValue":
                var error = GattProvisioningServer.WriteDescriptor().Error!.Value;
                call.ReplyError(error.Name, error.Message);
                return true;
            default:
                return false;
        }
    }

    private bool HandleCharacteristic(MethodCall call, int index)
    {
        switch (call.Member)
        {
            case "ReadValue":
                ReplyRead(call, _server.ReadCharacteristic(index, Offset(call.GetReader().ReadDictionaryOfStringToVariantValue())));
                return true;
            case "WriteValue":
                var reader = call.GetReader();
                var value = reader.ReadArrayOfByte();
                var options = reader.ReadDictionaryOfStringToVariantValue();
                var central = options.TryGet("device", VariantValueType.ObjectPath, out var d) ? d.GetObjectPathAsString() : string.Empty;
                var mtu = options.TryGet("mtu", VariantValueType.UInt16, out var m) ? m.GetUInt16() : 23;
                // The handler may take long (a scan): answer later, as BlueZ waits for the reply before the Write Response.
                call.Defer();
                _ = WriteAsync(call, central, index, value, Offset(options), mtu);
                return true;
            default:
                return false;
        }
    }

    private async Task WriteAsync(MethodCall call, string central, int index, byte[] value, int offset, int mtu)
    {
        try
        {
            var outcome = await _server.WriteCharacteristicAsync(central, index, value, offset, mtu, _stopping).ConfigureAwait(false);
            switch (outcome.Action)
            {
                case GattWriteAction.Acknowledge:
                    call.ReplyEmpty();
                    break;
                case GattWriteAction.Fail:
                    call.ReplyError(outcome.Error!.Value.Name, outcome.Error.Value.Message);
                    break;
                default:
                    // Bluedroid: close the link first, with the write unanswered; BlueZ fails it (ATT 0x0E) and drops the late reply.
                    await _dropLink(central).ConfigureAwait(false);
                    call.ReplyError(GattError.LinkDropped.Name, GattError.LinkDropped.Message);
                    break;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or DBusExceptionBase or TimeoutException)
        {
            // The front-end is stopping or the bus went away: the write dies with the link.
            call.ReplyError(GattError.LinkDropped.Name, GattError.LinkDropped.Message);
        }
    }

    private static int Offset(Dictionary<string, VariantValue> options) =>
        options.TryGet("offset", VariantValueType.UInt16, out var o) ? o.GetUInt16() : 0;

    private static void ReplyRead(MethodCall call, GattReadOutcome outcome)
    {
        if (outcome.Value is { } value)
        {
            call.Reply("ay", (ref MessageWriter w) => w.WriteArray(value));
        }
        else
        {
            call.ReplyError(outcome.Error!.Value.Name, outcome.Error.Value.Message);
        }
    }
}
