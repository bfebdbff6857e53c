using EspProv.Exceptions;
using EspProv.Transport;
using Tmds.DBus.Protocol;

namespace EspProv.Tests.Ble.Device.Support;

/// <summary>
/// A provisioning transport over the test central: one request = write with response + read of the endpoint's
/// characteristic (docs/ble.md#requests-and-responses), on one connection whose loss ends the device's session.
/// </summary>
internal sealed class CentralTransport(BleTestBed bed) : IProvisioningTransport
{
    private long _generation;

    /// <summary>Bluedroid's store; the flow sizes scan pages under it.</summary>
    public int MaxResponseBytes { get; init; } = 481;

    public async Task<byte[]> SendAsync(string endpoint, ReadOnlyMemory<byte> request, CancellationToken cancellationToken = default)
    {
        await PrepareAsync(endpoint, cancellationToken);
        try
        {
            return await bed.ExchangeAsync(endpoint, request.ToArray());
        }
        catch (DBusErrorReplyException e)
        {
            throw new TransportException(TransportFailure.ClosedWithoutResponse, endpoint, $"{e.ErrorName}: {e.ErrorMessage}", e);
        }
    }

    public async ValueTask<TransportLink> PrepareAsync(string endpoint, CancellationToken cancellationToken = default)
    {
        if (_generation == 0 || !bed.IsConnected)
        {
            await bed.ConnectAsync();
            _generation++;
        }

        return new TransportLink(_generation, SessionSurvivesNewLink: false);
    }

    public async ValueTask ResetAsync(CancellationToken cancellationToken = default)
    {
        if (bed.IsConnected)
        {
            await bed.DisconnectAsync();
            await bed.WaitConnectedAsync(false);
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
