using EspProv.Device.Ble.DBus;
using Tmds.DBus.Protocol;

namespace EspProv.VirtualBluez;

/// <summary>
/// ReadValue/WriteValue on the central's GATT objects, carried to the application as BlueZ carries ATT requests
/// (docs/ble.md#bluez-central-role, #bluez-peripheral-role; src/gatt-client.c on the central, src/gatt-database.c and
/// src/shared/gatt-server.c on the peripheral): a long read is Read + Read Blob, each one application ReadValue with
/// <c>offset</c> when non-zero and min(length, MTU−1) bytes used, values cut at 512; a write reaches the application
/// once, whole (Prepare/Execute is merged), at most 512 bytes; options carry <c>device</c>, <c>link</c> and <c>mtu</c>;
/// errors map through <see cref="AttErrors"/>.
/// </summary>
internal sealed class GattOperations(RemoteDevice device, BluezRoot root)
{
    private const int MaxAttributeLength = 512;

    private readonly Dictionary<string, MirrorAttribute> _attributes = new(StringComparer.Ordinal);

    public void Add(MirrorAttribute attribute) => _attributes[attribute.Object.Path] = attribute;

    public bool Handle(MethodCall call)
    {
        if (!_attributes.TryGetValue(call.Path, out var attr) || call.Interface != attr.Interface)
        {
            return false;
        }
        switch (call.Member)
        {
            case "ReadValue":
                Read(call, attr);
                return true;
            case "WriteValue":
                Write(call, attr);
                return true;
            default:
                return false;
        }
    }

    private void Read(MethodCall call, MirrorAttribute attr)
    {
        var options = call.GetReader().ReadDictionaryOfStringToVariantValue();
        var offset = options.TryGet("offset", VariantValueType.UInt16, out var o) ? o.GetUInt16() : 0;
        if (!Admit(call, attr, isWrite: false, out var link))
        {
            return;
        }
        if (attr.LocalValue is { } local)
        {
            ReplyRead(call, attr, offset <= local.Length ? local[offset..] : []);
            return;
        }
        attr.Busy = true;
        call.Defer();
        link.TryAddPending(call);
        _ = ReadAsync(call, attr, link, offset);
    }

    private void Write(MethodCall call, MirrorAttribute attr)
    {
        var reader = call.GetReader();
        var value = reader.ReadArrayOfByte();
        var options = reader.ReadDictionaryOfStringToVariantValue();
        var offset = options.TryGet("offset", VariantValueType.UInt16, out var o) ? o.GetUInt16() : 0;
        var type = options.TryGet("type", VariantValueType.String, out var t) ? t.GetString() : "request";
        if (!Admit(call, attr, isWrite: true, out var link))
        {
            return;
        }
        if (offset + value.Length > MaxAttributeLength)
        {
            // BlueZ's prepare queue holds at most 512 bytes per attribute (src/shared/gatt-server.c).
            ReplyAtt(call, AttErrors.InvalidAttributeValueLength);
            return;
        }
        if (attr.LocalValue is not null)
        {
            attr.LocalValue = value;
            call.ReplyEmpty();
            return;
        }
        if (type == "command")
        {
            // Write Command: no response on air, so the central's call returns once the PDU is sent.
            call.ReplyEmpty();
            _ = WriteToAppAsync(attr, link, value, offset);
            return;
        }
        attr.Busy = true;
        call.Defer();
        link.TryAddPending(call);
        _ = WriteAsync(call, attr, link, value, offset);
    }

    /// <summary>Checks link, concurrency and permissions; answers the call and returns false when the request cannot go out.</summary>
    private bool Admit(MethodCall call, MirrorAttribute attr, bool isWrite, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Link? link)
    {
        link = device.Link;
        if (link is not { IsUp: true })
        {
            call.ReplyError(BluezNames.ErrorFailed, "Not connected");
            return false;
        }
        if (attr.Busy)
        {
            call.ReplyError(BluezNames.ErrorInProgress, "In Progress");
            return false;
        }
        var kind = isWrite ? "write" : "read";
        var plain = attr.Flags.Contains(kind) || (isWrite && attr.Flags.Any(f => f is "write-without-response" or "reliable-write" or "authenticated-signed-writes"));
        if (attr.Flags.Contains("secure-" + kind) || attr.Flags.Contains("encrypt-authenticated-" + kind))
        {
            // No pairing is modelled: an attribute that needs an authenticated link stays out of reach.
            ReplyAtt(call, AttErrors.InsufficientAuthentication);
            return false;
        }
        if (attr.Flags.Contains("encrypt-" + kind))
        {
            ReplyAtt(call, AttErrors.InsufficientEncryption);
            return false;
        }
        if (!plain)
        {
            ReplyAtt(call, isWrite ? AttErrors.WriteNotPermitted : AttErrors.ReadNotPermitted);
            return false;
        }
        return true;
    }

    private async Task ReadAsync(MethodCall call, MirrorAttribute attr, Link link, int offset)
    {
        var value = new List<byte>();
        byte? error = null;
        try
        {
            var chunkMax = link.Mtu - 1;
            while (true)
            {
                var reply = await BusCalls.CallAsync(root.Connection, attr.App.Owner, attr.AppPath, attr.Interface, "ReadValue", "a{sv}",
                    (ref MessageWriter w) => w.WriteDictionary(Options(link, offset)), BusCalls.ReadBytes, root.Options.CallTimeout, root.Stopping).ConfigureAwait(false);
                if (reply is null)
                {
                    error = AttErrors.RequestNotSupported;
                    break;
                }
                var take = Math.Min(Math.Min(reply.Length, MaxAttributeLength), chunkMax);
                value.AddRange(reply.AsSpan(0, take));
                if (take < chunkMax)
                {
                    break;
                }
                offset += take;
            }
        }
        catch (DBusErrorReplyException e)
        {
            error = AttErrors.FromApplicationError(e.ErrorName, e.ErrorMessage, isWrite: false);
        }
        catch (Exception e) when (e is TimeoutException or DBusExceptionBase or OperationCanceledException)
        {
            error = AttErrors.Unlikely;
        }
        lock (root.Gate)
        {
            attr.Busy = false;
            if (!link.RemovePending(call))
            {
                return;
            }
            if (error is { } code)
            {
                ReplyAtt(call, code);
            }
            else
            {
                ReplyRead(call, attr, [.. value]);
            }
        }
    }

    private async Task WriteAsync(MethodCall call, MirrorAttribute attr, Link link, byte[] value, int offset)
    {
        var error = await WriteToAppAsync(attr, link, value, offset).ConfigureAwait(false);
        lock (root.Gate)
        {
            attr.Busy = false;
            if (!link.RemovePending(call))
            {
                return;
            }
            if (error is { } code)
            {
                ReplyAtt(call, code);
            }
            else
            {
                call.ReplyEmpty();
            }
        }
    }

    /// <summary>One application WriteValue; null on success, else the ATT error the peripheral's BlueZ answers.</summary>
    private async Task<byte?> WriteToAppAsync(MirrorAttribute attr, Link link, byte[] value, int offset)
    {
        try
        {
            var empty = await BusCalls.CallAsync(root.Connection, attr.App.Owner, attr.AppPath, attr.Interface, "WriteValue", "aya{sv}",
                (ref MessageWriter w) =>
                {
                    w.WriteArray(value);
                    w.WriteDictionary(Options(link, offset));
                }, BusCalls.ReadIsEmpty, root.Options.CallTimeout, root.Stopping).ConfigureAwait(false);
            return empty ? null : AttErrors.RequestNotSupported;
        }
        catch (DBusErrorReplyException e)
        {
            return AttErrors.FromApplicationError(e.ErrorName, e.ErrorMessage, isWrite: true);
        }
        catch (Exception e) when (e is TimeoutException or DBusExceptionBase or OperationCanceledException)
        {
            return AttErrors.Unlikely;
        }
    }

    /// <summary>The options BlueZ 5.66 passes to an application (src/gatt-database.c append_options), in its order.</summary>
    private static List<KeyValuePair<string, VariantValue>> Options(Link link, int offset)
    {
        var options = new List<KeyValuePair<string, VariantValue>> { new("device", VariantValue.ObjectPath(link.PeerPath)) };
        if (offset != 0)
        {
            options.Add(new("offset", VariantValue.UInt16((ushort)offset)));
        }
        options.Add(new("link", "LE"));
        options.Add(new("mtu", VariantValue.UInt16(link.Mtu)));
        return options;
    }

    private void ReplyRead(MethodCall call, MirrorAttribute attr, byte[] value)
    {
        call.Reply("ay", (ref MessageWriter w) => w.WriteArray(value));
        // The central caches the value it read and announces it (src/gatt-client.c).
        root.Server.SetProperty(attr.Object, attr.Interface, "Value", VariantValue.Array(value));
    }

    private static void ReplyAtt(MethodCall call, byte code)
    {
        (var name, var message) = AttErrors.ToCentralError(code);
        call.ReplyError(name, message);
    }
}
