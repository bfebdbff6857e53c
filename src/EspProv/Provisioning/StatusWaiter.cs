using EspProv.Exceptions;
using EspProv.Security;

namespace EspProv.Provisioning;

/// <summary>
/// Polls a device's network status after apply on the <see cref="StatusPolling"/> schedule until it gives a verdict,
/// reconnecting with a new session when a poll is lost (the network state lives on the device, not in the session).
/// The kind of network brings its poll and its judge: the judge returns the connection on success, throws the
/// network's <see cref="NetworkConnectionFailedException"/> on a failure, and returns null to keep polling.
/// </summary>
/// <typeparam name="TStatus">The network's status type.</typeparam>
internal sealed class StatusWaiter<TStatus>(ProvisioningClient client, Func<ProvisioningClient, CancellationToken, Task<TStatus>> poll, Func<TStatus, NetworkConnection?> judge, Func<TStatus, string> describe)
    where TStatus : NetworkStatus
{
    /// <summary>Waits at most <paramref name="timeout"/> for a verdict (see <see cref="ProvisioningClient.WaitForConnectionAsync(TimeSpan, IProgress{WifiStatus}?, CancellationToken)"/>).</summary>
    public async Task<NetworkConnection> WaitAsync(TimeSpan timeout, IProgress<TStatus>? progress, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        var polling = client.Polling with { Timeout = timeout };
        var clock = client.Clock;
        var started = clock.GetUtcNow();
        var deadline = started + polling.Timeout;
        var interval = TimeSpan.Zero;
        while (true)
        {
            var status = await PollWithRecoveryAsync(deadline, cancellationToken).ConfigureAwait(false);
            progress?.Report(status);
            if (judge(status) is { } connection)
            {
                return connection;
            }

            interval = polling.Next(interval, clock.GetUtcNow() - started);
            if (clock.GetUtcNow() + interval > deadline)
            {
                throw new StatusUnknownException(StatusOutcome.TimedOut,
                    $"no verdict from the device within {polling.Timeout.TotalSeconds:0.#} s: it was still {describe(status)}");
            }

            await Task.Delay(interval, clock, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<TStatus> PollWithRecoveryAsync(DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        try
        {
            return await poll(client, cancellationToken).ConfigureAwait(false);
        }
        catch (ProvisioningException ex) when (IsLostPoll(ex) && client.Security is not null)
        {
            client.Logger.StatusPollFailed(ex.Message);
            return await ReconnectAndPollAsync(ex, deadline, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A poll that brought no answer, so no verdict: the link or the reply was lost, the session went with it, or the new
    /// handshake a poll needs on a new link failed (a device that keys sessions by link, such as ESP8266 firmware or BLE,
    /// refuses the connection once it has joined the network and closed its soft AP). After apply none of these says
    /// anything about the credentials: the device's status is unknown, never "session failed".
    /// </summary>
    private static bool IsLostPoll(ProvisioningException error) =>
        error is TransportException or InvalidResponseException or SessionNotEstablishedException or SessionFailedException;

    private async Task<TStatus> ReconnectAndPollAsync(ProvisioningException firstError, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var clock = client.Clock;
        var windowEnd = clock.GetUtcNow() + client.Polling.ReconnectWindow;
        if (windowEnd > deadline)
        {
            windowEnd = deadline;
        }

        var delay = TimeSpan.FromMilliseconds(200);
        Exception last = firstError;
        while (true)
        {
            try
            {
                await client.Transport.ResetAsync(cancellationToken).ConfigureAwait(false);
                await client.EstablishSessionAsync(client.Security!, cancellationToken).ConfigureAwait(false);
                return await poll(client, cancellationToken).ConfigureAwait(false);
            }
            catch (ProvisioningException ex)
            {
                last = ex;
                client.Logger.ReconnectFailed(ex.Message);
            }

            if (clock.GetUtcNow() + delay > windowEnd)
            {
                throw new StatusUnknownException(StatusOutcome.Unknown,
                    "the device stopped answering after the credentials were applied; it has probably joined the network "
                    + $"(and switched channel, which drops its soft AP). Check the router or the device's console to confirm (last error: {last.Message})", last);
            }

            await Task.Delay(delay, clock, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(2).Ticks));
        }
    }
}

/// <summary>The Wi-Fi judge: esp_prov's verdicts, "connected without details" not one (docs/protocol.md#get-status).</summary>
internal static class WifiStatusJudge
{
    /// <summary>How many non-verdict "disconnected" answers are tolerated before giving up (esp_prov polls 3 more times).</summary>
    private const int DisconnectedTolerance = 3;

    public static StatusWaiter<WifiStatus> Waiter(ProvisioningClient client)
    {
        var disconnectedCount = 0;
        return new StatusWaiter<WifiStatus>(client, static (c, ct) => c.GetWifiStatusAsync(ct), status =>
        {
            switch (status.State)
            {
                case WifiConnectionState.Connected when status.Connection is { } connection:
                    return connection;
                case WifiConnectionState.ConnectionFailed:
                    var reason = status.FailureReason ?? WifiFailureReason.Unknown;
                    throw new WifiConnectionFailedException(reason, reason switch
                    {
                        WifiFailureReason.AuthError => "the device could not join the network: authentication failed (wrong passphrase?)",
                        WifiFailureReason.NetworkNotFound => "the device could not join the network: no network with that SSID was found",
                        _ => "the device could not join the network (no reason given)",
                    });
                case WifiConnectionState.Disconnected when ++disconnectedCount > DisconnectedTolerance:
                    throw new WifiConnectionFailedException(WifiFailureReason.Unknown, "the device reports it is disconnected from the network");
                default:
                    return null;
            }
        }, status => status.State.ToString().ToLowerInvariant());
    }
}
