using System.Net;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tmds.DBus.Protocol;

namespace EspProv.Transport.SoftAp.NetworkManager;

/// <summary>Settings of <see cref="NetworkManagerJoiner"/>.</summary>
public sealed record NetworkManagerJoinerOptions
{
    /// <summary>The D-Bus system bus; null = <c>DBUS_SYSTEM_BUS_ADDRESS</c>, else the standard socket.</summary>
    public string? BusAddress { get; init; }

    /// <summary>Where the crash note goes (<see cref="JoinRestoreNote.DefaultPath"/>); null = no note.</summary>
    public string? RestoreNotePath { get; init; }

    /// <summary>Longest wait for the previous connection to be active again with IPv4 after a join.</summary>
    public TimeSpan RestoreTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest wait for one D-Bus call.</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The clock of every wait.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Each NetworkManager step is logged at Debug level; passphrases never are.</summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;
}

/// <summary>
/// Joins a device's soft AP through NetworkManager's D-Bus API (Linux): a temporary profile that is never written to
/// disk (AddAndActivateConnection2 with <c>persist=volatile</c>, bound to this process's bus connection so that
/// NetworkManager drops it if the process dies), and gives the interface back afterwards. docs/join.md.
/// </summary>
public sealed class NetworkManagerJoiner(NetworkManagerJoinerOptions? options = null) : ISoftApJoiner
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);
    private readonly NetworkManagerJoinerOptions _options = options ?? new();
    private readonly ILogger _log = (options?.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger("EspProv.Join");

    /// <inheritdoc/>
    public async Task<ISoftApConnection> JoinAsync(SoftApJoinRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(request.Ssid);
        if (!OperatingSystem.IsLinux())
        {
            throw new SoftApJoinException(SoftApJoinFailure.Unavailable, request.Ssid, "joining needs NetworkManager (Linux)");
        }

        _log.Connecting();
        var bus = await NmBus.ConnectAsync(_options.BusAddress, _options.TimeProvider, _options.CallTimeout, request.Ssid, cancellationToken).ConfigureAwait(false);
        try
        {
            return await JoinAsync(bus, request, null, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            bus.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// The new join is activated on the same interface over the same bus connection, so the interface goes from one
    /// device's network to the next without returning to its own; the restore note keeps naming the network it had
    /// before the first join, and the previous join's temporary profile is deleted.
    /// </remarks>
    public async Task<ISoftApConnection> JoinNextAsync(ISoftApConnection current, SoftApJoinRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(request.Ssid);
        if (current is not NmConnection joined || !joined.TryHandOver(out var bus, out var carried, out var devicePath))
        {
            await current.RestoreAsync().ConfigureAwait(false);
            return await JoinAsync(request, cancellationToken).ConfigureAwait(false);
        }

        ISoftApConnection next;
        try
        {
            next = await JoinAsync(bus, request, (carried, devicePath), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            bus.Dispose();
            throw;
        }

        try
        {
            // Volatile, so NetworkManager drops it once deactivated; this catches one that is still there.
            await new NmRestore(bus, _options.TimeProvider, _log).DeleteJoinedAsync(carried, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is DBusExceptionBase or TimeoutException or OperationCanceledException)
        {
            _log.NotRestored($"the temporary profile for '{carried.JoinedSsid}' could not be deleted ({ex.Message})");
        }

        return next;
    }

    /// <summary>
    /// Acts on a note left by a run that died while joined: restores the interface it names. Null when there is no
    /// note (or it belongs to a run still going).
    /// </summary>
    public async Task<SoftApRestoreResult?> RestoreFromNoteAsync(CancellationToken cancellationToken)
    {
        if (_options.RestoreNotePath is not { } path || JoinRestoreNote.Read(path) is not { } note)
        {
            return null;
        }

        if (note.ProcessId != Environment.ProcessId && IsRunning(note.ProcessId))
        {
            return null;
        }

        _log.RestoringNote(note.Interface, note.JoinedSsid);
        using var bus = await NmBus.ConnectAsync(_options.BusAddress, _options.TimeProvider, _options.CallTimeout, note.JoinedSsid, cancellationToken).ConfigureAwait(false);
        var lookup = new NmLookup(bus, _options.TimeProvider, _log);
        var (devicePath, _) = await lookup.FindDeviceAsync( note.Interface, note.JoinedSsid, cancellationToken).ConfigureAwait(false);
        return await new NmRestore(bus, _options.TimeProvider, _log).RunAsync(note, devicePath, path, _options.RestoreTimeout).ConfigureAwait(false);
    }

    // carried: for a join that follows another on the same interface, the previous join's note (what to restore) and device.
    private async Task<ISoftApConnection> JoinAsync(NmBus bus, SoftApJoinRequest request, (JoinRestoreNote Note, string DevicePath)? carried,
        CancellationToken cancellationToken)
    {
        var lookup = new NmLookup(bus, _options.TimeProvider, _log);
        var restore = new NmRestore(bus, _options.TimeProvider, _log);
        string devicePath, iface;
        string? previousUuid, previousId;
        if (carried is var (carriedNote, carriedPath))
        {
            (devicePath, iface, previousUuid, previousId) = (carriedPath, carriedNote.Interface, carriedNote.PreviousUuid, carriedNote.PreviousId);
        }
        else
        {
            (devicePath, iface) = await lookup.FindDeviceAsync(request.InterfaceName, request.Ssid, cancellationToken).ConfigureAwait(false);
            var device = await bus.GetAllAsync(devicePath, NmBus.Device, cancellationToken).ConfigureAwait(false);
            previousUuid = await restore.ActiveUuidAsync(devicePath, cancellationToken).ConfigureAwait(false);
            previousId = NmBus.Path(device, "ActiveConnection") is { } active
                ? await TryGetStringAsync(bus, active, NmBus.Active, "Id", cancellationToken).ConfigureAwait(false)
                : null;
        }

        _log.Previous(iface, previousUuid is null ? "no network" : $"'{previousId}'");

        var (apPath, secured, keyManagement) = await lookup.FindAccessPointAsync( devicePath, iface, request, cancellationToken).ConfigureAwait(false);
        var passphrase = secured ? CheckPassphrase(request) : null;
        var note = new JoinRestoreNote(iface, previousUuid, previousId, request.Ssid, Guid.NewGuid().ToString(), Environment.ProcessId);
        if (_options.RestoreNotePath is { } notePath)
        {
            try
            {
                note.Write(notePath);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Without the note a crash could leave the interface on the device's network: do not join.
                throw new SoftApJoinException(SoftApJoinFailure.Unavailable, request.Ssid, $"cannot write the restore note {notePath} ({ex.Message})", ex);
            }
        }

        var states = new List<(uint New, uint Old, uint Reason)>();
        using var watch = await bus.WatchDeviceStateAsync(devicePath, (n, o, r) =>
        {
            lock (states)
            {
                states.Add((n, o, r));
            }

            _log.DeviceState(iface, NmReasons.StateName(n), NmReasons.Name(r));
        }, cancellationToken).ConfigureAwait(false);
        try
        {
            _log.Activating(request.Ssid, iface, keyManagement ?? "open");
            var activePath = await bus.CallAsync(NmBus.RootPath, NmBus.Service, "AddAndActivateConnection2", "a{sa{sv}}ooa{sv}",
                (ref MessageWriter w) =>
                {
                    WriteProfile(ref w, note, iface, keyManagement, passphrase);
                    w.WriteObjectPath(devicePath);
                    w.WriteObjectPath(apPath);
                    w.WriteDictionary(new Dictionary<string, VariantValue>
                    {
                        ["persist"] = VariantValue.String("volatile"),
                        ["bind-activation"] = VariantValue.String("dbus-client"),
                    });
                },
                static (m, _) =>
                {
                    var r = m.GetBodyReader();
                    r.ReadObjectPathAsString();
                    return r.ReadObjectPathAsString();
                }, cancellationToken).ConfigureAwait(false);
            var address = await WaitJoinedAsync(bus, devicePath, activePath, request, secured, states, cancellationToken).ConfigureAwait(false);
            _log.Joined(request.Ssid, iface, address);
            return new NmConnection(bus, restore, note, devicePath, address, _options);
        }
        catch (Exception ex) when (ex is OperationCanceledException or SoftApJoinException or DBusErrorReplyException or TimeoutException)
        {
            var restored = await restore.RunAsync(note, devicePath, _options.RestoreNotePath, _options.RestoreTimeout).ConfigureAwait(false);
            if (!restored.Restored)
            {
                _log.NotRestored(restored.Description);
            }

            if (ex is DBusErrorReplyException dbus)
            {
                throw new SoftApJoinException(SoftApJoinFailure.JoinFailed, request.Ssid, $"NetworkManager refused to join '{request.Ssid}' ({dbus.ErrorMessage})", ex) { Restore = restored };
            }

            if (ex is TimeoutException)
            {
                throw new SoftApJoinException(SoftApJoinFailure.JoinFailed, request.Ssid, $"NetworkManager did not answer within {_options.CallTimeout.TotalSeconds:0} s", ex) { Restore = restored };
            }

            if (ex is SoftApJoinException join)
            {
                join.Restore = restored;
            }

            throw;
        }
    }

    private async Task<IPAddress> WaitJoinedAsync(NmBus bus, string devicePath, string activePath, SoftApJoinRequest request, bool secured,
        List<(uint New, uint Old, uint Reason)> states, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(request.JoinTimeout, _options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        uint deviceState = 0;
        try
        {
            while (true)
            {
                uint activeState;
                try
                {
                    var value = await bus.GetAsync(activePath, NmBus.Active, "State", linked.Token).ConfigureAwait(false);
                    activeState = value.Type == VariantValueType.UInt32 ? value.GetUInt32() : 0;
                }
                catch (DBusErrorReplyException)
                {
                    activeState = NmReasons.ActiveDeactivated; // NetworkManager removed it: the activation ended
                }

                var device = await bus.GetAllAsync(devicePath, NmBus.Device, linked.Token).ConfigureAwait(false);
                deviceState = NmBus.UInt(device, "State");
                if (activeState == NmReasons.ActiveActivated && await NmRestore.Ipv4Async(bus, device, linked.Token).ConfigureAwait(false) is { } address)
                {
                    return address;
                }

                if (activeState >= NmReasons.ActiveDeactivated)
                {
                    uint reason;
                    lock (states)
                    {
                        // The first failure or drop after our activation began (prepare); earlier changes are the previous
                        // connection going down for it.
                        var begun = states.FindIndex(s => s.New == NmReasons.StatePrepare);
                        reason = begun < 0 ? 0 : states.Skip(begun)
                            .FirstOrDefault(s => s.New is NmReasons.StateFailed or NmReasons.StateDisconnected && s.Reason != 0).Reason;
                    }

                    reason = reason != 0 ? reason : NmBus.UInt(device, "StateReason");
                    throw Failure(NmReasons.Classify(reason, secured), request.Ssid, reason);
                }

                await Task.Delay(Poll, _options.TimeProvider, linked.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            var dhcp = deviceState is NmReasons.StateIpConfig or NmReasons.StateIpConfig + 10;
            throw new SoftApJoinException(dhcp ? SoftApJoinFailure.DhcpFailed : SoftApJoinFailure.JoinFailed, request.Ssid, dhcp
                ? $"joined '{request.Ssid}' but got no IPv4 address from it within {request.JoinTimeout.TotalSeconds:0} s (DHCP failed)"
                : $"could not join '{request.Ssid}' within {request.JoinTimeout.TotalSeconds:0} s");
        }
    }

    private static SoftApJoinException Failure(SoftApJoinFailure failure, string ssid, uint reason) => new(failure, ssid, failure switch
    {
        SoftApJoinFailure.PassphraseRefused => $"the network '{ssid}' refused the passphrase (NetworkManager: {NmReasons.Name(reason)})",
        SoftApJoinFailure.DhcpFailed => $"joined '{ssid}' but got no IPv4 address from it (DHCP failed; NetworkManager: {NmReasons.Name(reason)})",
        SoftApJoinFailure.NetworkNotFound => $"no Wi-Fi network named '{ssid}' in range",
        _ => $"could not join '{ssid}' (NetworkManager: {NmReasons.Name(reason)})",
    });

    private static string CheckPassphrase(SoftApJoinRequest request)
    {
        var passphrase = request.Passphrase;
        if (string.IsNullOrEmpty(passphrase))
        {
            throw new SoftApJoinException(SoftApJoinFailure.PassphraseRefused, request.Ssid, $"the network '{request.Ssid}' is protected (WPA2): its passphrase is needed");
        }

        // WPA2-PSK: 8 to 63 printable ASCII characters, or 64 hex digits (IEEE 802.11i, annex H).
        var hex = passphrase.Length == 64 && passphrase.All(Uri.IsHexDigit);
        if (!hex && (passphrase.Length is < 8 or > 63 || passphrase.Any(c => c is < ' ' or > '~')))
        {
            throw new SoftApJoinException(SoftApJoinFailure.PassphraseRefused, request.Ssid,
                $"the passphrase for '{request.Ssid}' is not a WPA2 passphrase (8 to 63 printable ASCII characters, or 64 hex digits)");
        }

        return passphrase;
    }

    private static void WriteProfile(ref MessageWriter w, JoinRestoreNote note, string iface, string? keyManagement, string? passphrase)
    {
        var sections = new List<(string, Dictionary<string, VariantValue>)>
        {
            ("connection", new()
            {
                ["id"] = VariantValue.String($"esp-prov {note.JoinedSsid}"),
                ["uuid"] = VariantValue.String(note.JoinedUuid),
                ["type"] = VariantValue.String("802-11-wireless"),
                ["interface-name"] = VariantValue.String(iface),
                ["autoconnect"] = VariantValue.Bool(false),
            }),
            ("802-11-wireless", new()
            {
                ["ssid"] = VariantValue.Array(Encoding.UTF8.GetBytes(note.JoinedSsid)),
                ["mode"] = VariantValue.String("infrastructure"),
            }),
            // The device's network must never become the default route: other interfaces keep the computer's traffic.
            ("ipv4", new() { ["method"] = VariantValue.String("auto"), ["never-default"] = VariantValue.Bool(true), ["may-fail"] = VariantValue.Bool(false) }),
            ("ipv6", new() { ["method"] = VariantValue.String("ignore") }),
        };
        if (keyManagement is not null)
        {
            sections.Add(("802-11-wireless-security", new()
            {
                ["key-mgmt"] = VariantValue.String(keyManagement),
                ["psk"] = VariantValue.String(passphrase!),
            }));
        }

        var outer = w.WriteDictionaryStart();
        foreach (var (name, values) in sections)
        {
            w.WriteDictionaryEntryStart();
            w.WriteString(name);
            w.WriteDictionary(values);
        }

        w.WriteDictionaryEnd(outer);
    }

    private static async Task<string?> TryGetStringAsync(NmBus bus, string path, string iface, string name, CancellationToken cancellationToken)
    {
        try
        {
            var value = await bus.GetAsync(path, iface, name, cancellationToken).ConfigureAwait(false);
            return value.Type == VariantValueType.String ? value.GetString() : null;
        }
        catch (DBusErrorReplyException)
        {
            return null;
        }
    }

    private static bool IsRunning(int pid) => OperatingSystem.IsLinux() && Directory.Exists($"/proc/{pid}");
}
