using EspProv.Provisioning;

namespace EspProv.Thread;

/// <summary>The flow's steps for a Thread device: send the dataset, apply it, wait until the device attaches or says why not.</summary>
internal sealed class ThreadSteps(ProvisioningClient client) : NetworkSteps
{
    public override void Check(NetworkCredentials credentials)
    {
        if (credentials is not ThreadCredentials thread)
        {
            throw new ArgumentException($"the device provisions a Thread network; {credentials.GetType().Name} cannot be sent to it", nameof(credentials));
        }

        thread.Validate();
    }

    public override Task SetConfigAsync(NetworkCredentials credentials, CancellationToken cancellationToken) =>
        client.SetThreadDatasetAsync(((ThreadCredentials)credentials).Dataset, cancellationToken);

    public override Task ApplyConfigAsync(CancellationToken cancellationToken) => client.ApplyThreadConfigAsync(cancellationToken);

    public override async Task<NetworkConnection> WaitAsync(TimeSpan? timeout, IProgress<NetworkStatus>? progress, CancellationToken cancellationToken) =>
        await client.WaitForThreadAttachAsync(timeout ?? client.Polling.Timeout, progress is null ? null : new Relay(progress), cancellationToken).ConfigureAwait(false);

    /// <summary>The Thread judge: Attached with its network is the verdict of success, AttachingFailed of failure.</summary>
    public static StatusWaiter<ThreadStatus> Waiter(ProvisioningClient client) =>
        new(client, static (c, ct) => c.GetThreadStatusAsync(ct), status => status.State switch
        {
            ThreadNetworkState.Attached when status.Network is { } network => network,
            ThreadNetworkState.AttachingFailed => throw Failed(status.FailureReason ?? ThreadFailureReason.Unknown),
            _ => null,
        }, status => status.State == ThreadNetworkState.Detached ? "detached" : "attaching");

    private static ThreadAttachFailedException Failed(ThreadFailureReason reason) => new(reason, reason switch
    {
        ThreadFailureReason.DatasetInvalid => "the device could not attach: its Thread stack refused the dataset (dataset invalid)",
        ThreadFailureReason.NetworkNotFound => "the device could not attach: no Thread network of this dataset answered (Thread network not found)",
        _ => "the device could not attach to the Thread network (no reason given)",
    });

    private sealed class Relay(IProgress<NetworkStatus> inner) : IProgress<ThreadStatus>
    {
        public void Report(ThreadStatus value) => inner.Report(value);
    }
}
