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

    public async ValueTask DisposeAsync() => await RestoreAsync().ConfigureAwait(false);
}
