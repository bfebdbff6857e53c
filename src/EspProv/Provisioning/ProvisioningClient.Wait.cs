using EspProv.Exceptions;
using EspProv.Security;

namespace EspProv.Provisioning;

public sealed partial class ProvisioningClient
{
    /// <summary>How many non-verdict "disconnected" answers are tolerated before giving up (esp_prov polls 3 more times).</summary>
    private const int DisconnectedTolerance = 3;

    /// <summary>
    /// Polls the Wi-Fi status after apply until the device reports a verdict, on the schedule of
    /// <see cref="ProvisioningClientOptions.Polling"/>. Returns the connection details when the device joined; throws
    /// <see cref="WifiConnectionFailedException"/> with the device's reason when it could not, and
    /// <see cref="StatusUnknownException"/> when no verdict came before the deadline or the device stopped answering
    /// (after apply it may switch channel to join the router, so the soft AP drops).
    /// </summary>
    /// <remarks>
    /// When a poll fails at the transport level the session's cipher state is unknown, so the poll is never resent on
    /// it: the client reconnects and runs a new handshake (the Wi-Fi state lives on the device, not in the session),
    /// for up to <see cref="StatusPolling.ReconnectWindow"/>.
    /// </remarks>
    public Task<WifiConnectionInfo> WaitForConnectionAsync(IProgress<WifiStatus>? progress = null, CancellationToken cancellationToken = default) =>
        WaitForConnectionAsync(_options.Polling.Timeout, progress, cancellationToken);

    /// <summary>
    /// As <see cref="WaitForConnectionAsync(IProgress{WifiStatus}?, CancellationToken)"/>, with its own limit instead of
    /// <see cref="StatusPolling.Timeout"/>: a caller with an overall deadline passes what is left of it, so the verdict
    /// (or "outcome unknown" with its reason) arrives before the caller's token cancels.
    /// </summary>
    public async Task<WifiConnectionInfo> WaitForConnectionAsync(TimeSpan timeout, IProgress<WifiStatus>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        var polling = _options.Polling with { Timeout = timeout };
        var clock = _options.TimeProvider;
        var started = clock.GetUtcNow();
        var deadline = started + polling.Timeout;
        var interval = TimeSpan.Zero;
        var disconnectedCount = 0;
        while (true)
        {
            var status = await PollWithRecoveryAsync(deadline, cancellationToken).ConfigureAwait(false);
            progress?.Report(status);
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
            }

            // Connected without details is firmware's "state unreadable" quirk (PROTOCOL.md §8.1): not a verdict.
            interval = polling.Next(interval, clock.GetUtcNow() - started);
            if (clock.GetUtcNow() + interval > deadline)
            {
                throw new StatusUnknownException(StatusOutcome.TimedOut,
                    $"no verdict from the device within {polling.Timeout.TotalSeconds:0.#} s: it was still {status.State.ToString().ToLowerInvariant()}");
            }

            await Task.Delay(interval, clock, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<WifiStatus> PollWithRecoveryAsync(DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        try
        {
            return await GetWifiStatusAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ProvisioningException ex) when (ex is TransportException or InvalidResponseException or SessionNotEstablishedException && _security is not null)
        {
            Log($"status poll failed ({ex.Message}); reconnecting with a new session");
            return await ReconnectAndPollAsync(ex, deadline, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<WifiStatus> ReconnectAndPollAsync(ProvisioningException firstError, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var clock = _options.TimeProvider;
        var windowEnd = clock.GetUtcNow() + _options.Polling.ReconnectWindow;
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
                await _transport.ResetAsync(cancellationToken).ConfigureAwait(false);
                await EstablishSessionAsync(_security!, cancellationToken).ConfigureAwait(false);
                return await GetWifiStatusAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (ProvisioningException ex)
            {
                last = ex;
                Log($"reconnect failed: {ex.Message}");
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

    /// <summary>
    /// The whole flow in one call: version (when <paramref name="expectedVersion"/> is given, it must match) → session →
    /// set config → apply → wait for the verdict. Reports each step to <paramref name="progress"/> as it starts.
    /// </summary>
    public async Task<WifiConnectionInfo> ProvisionAsync(ISecurity security, WifiCredentials credentials, string? expectedVersion = null,
        IProgress<ProvisioningStep>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(security);
        ArgumentNullException.ThrowIfNull(credentials);
        credentials.Validate();
        progress?.Report(ProvisioningStep.ProtocolVersion);
        if (expectedVersion is not null)
        {
            await VerifyVersionAsync(expectedVersion, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await GetVersionAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        progress?.Report(ProvisioningStep.Session);
        await EstablishSessionAsync(security, cancellationToken).ConfigureAwait(false);
        progress?.Report(ProvisioningStep.SetConfig);
        await SetWifiConfigAsync(credentials, cancellationToken).ConfigureAwait(false);
        progress?.Report(ProvisioningStep.ApplyConfig);
        await ApplyWifiConfigAsync(cancellationToken).ConfigureAwait(false);
        progress?.Report(ProvisioningStep.Status);
        return await WaitForConnectionAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}
