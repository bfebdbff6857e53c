namespace EspProv.Cli;

// Temporary until the simulator lands: replaced by the real in-process device.
internal sealed class EmbeddedSimulator : IAsyncDisposable
{
#pragma warning disable CA1822
    public string Endpoint => throw new InvalidOperationException();
#pragma warning restore CA1822

    public static Task<EmbeddedSimulator> StartAsync(ProvisionSettings settings, Action<string> print, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("--simulate is not available yet");

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
