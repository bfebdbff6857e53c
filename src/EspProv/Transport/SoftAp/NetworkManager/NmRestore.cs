using System.Net;
using Microsoft.Extensions.Logging;
using Tmds.DBus.Protocol;

namespace EspProv.Transport.SoftAp.NetworkManager;

/// <summary>
/// Gives a Wi-Fi interface back what it had before a join (the <see cref="JoinRestoreNote"/>): re-activates the
/// previous profile and waits until it is active with an IPv4 address, or disconnects; then removes the join's
/// temporary profile if it is still there and deletes the note.
/// </summary>
internal sealed class NmRestore(NmBus bus, TimeProvider time, ILogger log)
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);

    public async Task<SoftApRestoreResult> RunAsync(JoinRestoreNote note, string devicePath, string? notePath, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout, time);
        var token = deadline.Token;
        var iface = note.Interface;
        try
        {
            var previous = note.PreviousUuid is { } uuid ? await ConnectionByUuidAsync(uuid, token).ConfigureAwait(false) : null;
            SoftApRestoreResult result;
            if (previous is not null)
            {
                if (await ActiveUuidAsync(devicePath, token).ConfigureAwait(false) != note.PreviousUuid)
                {
                    log.Reactivating(note.PreviousId, iface);
                    await bus.CallAsync(NmBus.RootPath, NmBus.Service, "ActivateConnection", "ooo", (ref MessageWriter w) =>
                    {
                        w.WriteObjectPath(previous);
                        w.WriteObjectPath(devicePath);
                        w.WriteObjectPath("/");
                    }, token).ConfigureAwait(false);
                }

                await DeleteJoinedAsync(note, token).ConfigureAwait(false);
                ForgetNote(notePath);
                result = await WaitActiveAsync(devicePath, note, token).ConfigureAwait(false);
            }
            else
            {
                if (note.PreviousUuid is not null)
                {
                    log.PreviousGone(note.PreviousId, iface);
                }

                var active = await ActiveUuidAsync(devicePath, token).ConfigureAwait(false);
                if (active == note.JoinedUuid)
                {
                    log.Disconnecting(iface);
                    await bus.CallAsync(devicePath, NmBus.Device, "Disconnect", null, null, token).ConfigureAwait(false);
                }

                await DeleteJoinedAsync(note, token).ConfigureAwait(false);
                ForgetNote(notePath);
                result = note.PreviousUuid is null
                    ? new SoftApRestoreResult(true, $"{iface} disconnected, as before")
                    : new SoftApRestoreResult(false, $"the network {iface} was on before ('{note.PreviousId}') no longer exists in NetworkManager; {iface} left disconnected");
            }

            log.Restored(result.Description);
            return result;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            return new SoftApRestoreResult(false, $"'{note.PreviousId ?? "disconnected"}' was not back on {iface} within {timeout.TotalSeconds:0} s");
        }
        catch (Exception ex) when (ex is DBusErrorReplyException or DBusConnectionException or TimeoutException or IOException or UnauthorizedAccessException)
        {
            return new SoftApRestoreResult(false, $"could not give {iface} back its network '{note.PreviousId ?? "disconnected"}' ({ex.Message}); run esp-prov --restore-wifi");
        }
    }

    private async Task<SoftApRestoreResult> WaitActiveAsync(string devicePath, JoinRestoreNote note, CancellationToken token)
    {
        while (true)
        {
            var device = await bus.GetAllAsync(devicePath, NmBus.Device, token).ConfigureAwait(false);
            if (NmBus.UInt(device, "State") == NmReasons.StateActivated
                && await ActiveUuidAsync(devicePath, token).ConfigureAwait(false) == note.PreviousUuid
                && await Ipv4Async(bus, device, token).ConfigureAwait(false) is { } address)
            {
                return new SoftApRestoreResult(true, $"{note.Interface} is back on '{note.PreviousId}' ({address})");
            }

            await Task.Delay(Poll, time, token).ConfigureAwait(false);
        }
    }

    /// <summary>The UUID of the profile active on the device, or null.</summary>
    public async Task<string?> ActiveUuidAsync(string devicePath, CancellationToken token)
    {
        var device = await bus.GetAllAsync(devicePath, NmBus.Device, token).ConfigureAwait(false);
        if (NmBus.Path(device, "ActiveConnection") is not { } active)
        {
            return null;
        }

        try
        {
            var value = await bus.GetAsync(active, NmBus.Active, "Uuid", token).ConfigureAwait(false);
            return value.Type == VariantValueType.String ? value.GetString() : null;
        }
        catch (DBusErrorReplyException)
        {
            return null; // deactivated between the two reads
        }
    }

    /// <summary>The first IPv4 address of the device's current IPv4 configuration, or null.</summary>
    public static async Task<IPAddress?> Ipv4Async(NmBus bus, Dictionary<string, VariantValue> device, CancellationToken token)
    {
        if (NmBus.Path(device, "Ip4Config") is not { } config)
        {
            return null;
        }

        var data = await bus.GetAsync(config, NmBus.Ip4Config, "AddressData", token).ConfigureAwait(false);
        for (var i = 0; data.Type == VariantValueType.Array && i < data.Count; i++)
        {
            if (data.GetItem(i) is { Type: VariantValueType.Dictionary } entry
                && entry.GetDictionary<string, VariantValue>().TryGetValue("address", out var text)
                && text.Type == VariantValueType.String && IPAddress.TryParse(text.GetString(), out var address))
            {
                return address;
            }
        }

        return null;
    }

    private async Task<string?> ConnectionByUuidAsync(string uuid, CancellationToken token)
    {
        try
        {
            return await bus.CallAsync(NmBus.SettingsPath, NmBus.Settings, "GetConnectionByUuid", "s", (ref MessageWriter w) => w.WriteString(uuid),
                static (m, _) => m.GetBodyReader().ReadObjectPathAsString(), token).ConfigureAwait(false);
        }
        catch (DBusErrorReplyException)
        {
            return null; // org.freedesktop.NetworkManager.Settings.InvalidConnection: no such profile
        }
    }

    // The join's profile is volatile (NetworkManager drops it once deactivated); this catches one that is still there.
    public async Task DeleteJoinedAsync(JoinRestoreNote note, CancellationToken token)
    {
        if (await ConnectionByUuidAsync(note.JoinedUuid, token).ConfigureAwait(false) is { } joined)
        {
            log.Deleting(note.JoinedSsid);
            try
            {
                await bus.CallAsync(joined, NmBus.SettingsConnection, "Delete", null, null, token).ConfigureAwait(false);
            }
            catch (DBusErrorReplyException)
            {
                // Already gone: NetworkManager removed the volatile profile in between.
            }
        }
    }

    private static void ForgetNote(string? notePath)
    {
        if (notePath is not null)
        {
            JoinRestoreNote.Delete(notePath);
        }
    }
}
