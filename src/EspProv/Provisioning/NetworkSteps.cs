namespace EspProv.Provisioning;

/// <summary>
/// The network-specific steps of the flow (set config, apply, wait for the verdict) for the kind of network a device
/// provisions. The flow knows only this seam; a kind of network is one subclass and one case in <see cref="For"/>.
/// </summary>
internal abstract class NetworkSteps
{
    /// <summary>
    /// The steps for the device's network. The kind comes from the device's version answer; every device of the
    /// <c>wifi_provisioning</c> generation (and a device that names no other kind) provisions Wi-Fi.
    /// </summary>
    public static NetworkSteps For(ProvisioningClient client, DeviceVersionInfo version)
    {
        ArgumentNullException.ThrowIfNull(version);
        return NetworkSupport.From(version).Network == NetworkKind.Thread ? new Thread.ThreadSteps(client) : new WifiSteps(client);
    }

    /// <summary>Throws <see cref="ArgumentException"/> when <paramref name="credentials"/> are invalid or not for this kind of network.</summary>
    public abstract void Check(NetworkCredentials credentials);

    public abstract Task SetConfigAsync(NetworkCredentials credentials, CancellationToken cancellationToken);

    public abstract Task ApplyConfigAsync(CancellationToken cancellationToken);

    public abstract Task<NetworkConnection> WaitAsync(TimeSpan? timeout, IProgress<NetworkStatus>? progress, CancellationToken cancellationToken);

    private sealed class WifiSteps(ProvisioningClient client) : NetworkSteps
    {
        public override void Check(NetworkCredentials credentials)
        {
            if (credentials is not WifiCredentials wifi)
            {
                throw new ArgumentException($"the device provisions a Wi-Fi network; {credentials.GetType().Name} cannot be sent to it", nameof(credentials));
            }

            wifi.Validate();
        }

        public override Task SetConfigAsync(NetworkCredentials credentials, CancellationToken cancellationToken) =>
            client.SetWifiConfigAsync((WifiCredentials)credentials, cancellationToken);

        public override Task ApplyConfigAsync(CancellationToken cancellationToken) => client.ApplyWifiConfigAsync(cancellationToken);

        public override async Task<NetworkConnection> WaitAsync(TimeSpan? timeout, IProgress<NetworkStatus>? progress, CancellationToken cancellationToken)
        {
            var relay = progress is null ? null : new Relay(progress);
            return timeout is { } limit
                ? await client.WaitForConnectionAsync(limit, relay, cancellationToken).ConfigureAwait(false)
                : await client.WaitForConnectionAsync(relay, cancellationToken).ConfigureAwait(false);
        }

        private sealed class Relay(IProgress<NetworkStatus> inner) : IProgress<WifiStatus>
        {
            public void Report(WifiStatus value) => inner.Report(value);
        }
    }
}
