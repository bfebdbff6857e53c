using System.Net;

namespace EspProv.Transport.SoftAp.NetworkManager;

/// <summary>A join through NetworkManager, held until restored; owns the bus connection the activation is bound to.</summary>
internal sealed class NmConnection(NmBus bus, NmRestore restore, JoinRestoreNote note, string devicePath, IPAddress address,
    NetworkManagerJoinerOptions options) : ISoftApConnection
{
    private readonly Lock _gate = new();
    private Task<SoftApRestoreResult>? _restore;

    public string InterfaceName => note.Interface;

    public IPAddress Address => address;

    public string Ssid => note.JoinedSsid;

    public Task<SoftApRestoreResult> RestoreAsync()
    {
        lock (_gate)
        {
            return _restore ??= RunAsync();
        }
    }

    private async Task<SoftApRestoreResult> RunAsync()
    {
        try
        {
            return await restore.RunAsync(note, devicePath, options.RestoreNotePath, options.RestoreTimeout).ConfigureAwait(false);
        }
        finally
        {
            // The activation is bound to this connection: closing it first would have dropped the join by itself.
            bus.Dispose();
        }
    }

    /// <summary>
    /// Gives the bus, the note and the device to the next join (<see cref="NetworkManagerJoiner.JoinNextAsync"/>): this
    /// connection then restores nothing. False when it was already restored or handed over.
    /// </summary>
    public bool TryHandOver(out NmBus handedBus, out JoinRestoreNote handedNote, out string handedDevicePath)
    {
        (handedBus, handedNote, handedDevicePath) = (bus, note, devicePath);
        lock (_gate)
        {
            if (_restore is not null)
            {
                return false;
            }

            _restore = Task.FromResult(new SoftApRestoreResult(true, $"{note.Interface} went on to the next join"));
            return true;
        }
    }

    public async ValueTask DisposeAsync() => await RestoreAsync().ConfigureAwait(false);
}
