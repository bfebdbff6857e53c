using EspProv.Transport;
using EspProv.Transport.SoftAp;

namespace EspProv.Cli.Transports.SoftAp;

/// <summary>The HTTP transport over a joined soft AP: disposing it closes the connection, then gives the Wi-Fi interface back.</summary>
internal sealed class JoinedTransport(IProvisioningTransport inner, ISoftApConnection joined, Action<string> print) : IProvisioningTransport
{
    public int MaxResponseBytes => inner.MaxResponseBytes;

    public Task<byte[]> SendAsync(string endpoint, ReadOnlyMemory<byte> request, CancellationToken cancellationToken = default) =>
        inner.SendAsync(endpoint, request, cancellationToken);

    public ValueTask<TransportLink> PrepareAsync(string endpoint, CancellationToken cancellationToken = default) => inner.PrepareAsync(endpoint, cancellationToken);

    public ValueTask ResetAsync(CancellationToken cancellationToken = default) => inner.ResetAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await inner.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            SoftApJoin.Report(await joined.RestoreAsync().ConfigureAwait(false), print);
        }
    }
}
