namespace EspProv.Device;

/// <summary>Several independent simulated devices served over HTTP, e.g. for load tests: each has its own port and state.</summary>
public sealed class SimulatedFleet : IAsyncDisposable
{
    private SimulatedFleet(IReadOnlyList<SimulatedDevice> devices) => Devices = devices;

    /// <summary>The devices, in port order.</summary>
    public IReadOnlyList<SimulatedDevice> Devices { get; }

    /// <summary>
    /// Starts <paramref name="count"/> devices with <paramref name="options"/>, served as <paramref name="http"/> says
    /// (null = its defaults): on consecutive ports from <see cref="HttpDeviceOptions.Port"/>, or each on a free port when
    /// it is 0. If one fails, those started are stopped.
    /// </summary>
    public static async Task<SimulatedFleet> StartAsync(SimulatedDeviceOptions options, int count, HttpDeviceOptions? http = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        http ??= new HttpDeviceOptions();
        options.Validate();
        http.Validate();
        if (http.Port != 0 && http.Port + count - 1 > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, $"ports {http.Port}..{http.Port + count - 1} exceed 65535");
        }

        var devices = new List<SimulatedDevice>(count);
        try
        {
            for (var i = 0; i < count; i++)
            {
                devices.Add(await SimulatedDevice.StartAsync(options, http with { Port = http.Port == 0 ? 0 : http.Port + i }, cancellationToken).ConfigureAwait(false));
            }
        }
        catch
        {
            foreach (var device in devices)
            {
                await device.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }

        return new SimulatedFleet(devices);
    }

    /// <summary>Stops every device.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var device in Devices)
        {
            await device.DisposeAsync().ConfigureAwait(false);
        }
    }
}
