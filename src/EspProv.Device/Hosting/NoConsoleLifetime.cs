using Microsoft.Extensions.Hosting;

namespace EspProv.Device.Hosting;

/// <summary>Replaces the console lifetime so an embedded device never hooks Ctrl+C or SIGTERM of the host process.</summary>
internal sealed class NoConsoleLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
