using EspProv.Device;
using EspProv.Device.Core;

namespace EspProv.Tests.Support;

/// <summary>
/// Waits for a condition another thread or the network makes true (a request recorded, a link closed) by re-checking
/// it each time its source reports a change: ordering, not a clock. The safety net is generous and only turns a hang
/// into a loud failure; it is never what a test measures.
/// </summary>
internal static class Eventually
{
    /// <summary>How long a wait may hang before the test fails instead of hanging the run.</summary>
    public static readonly TimeSpan SafetyNet = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Until <paramref name="condition"/> holds, re-checked on every change <paramref name="changes"/> reports, or until
    /// <paramref name="unlessDone"/> (the run under test) has ended.
    /// </summary>
    public static async Task UntilAsync(ChangeFeed changes, Func<bool> condition, string what, Task? unlessDone = null)
    {
        using var safety = new CancellationTokenSource(SafetyNet);
        var until = changes.UntilAsync(condition, safety.Token);
        try
        {
            if (unlessDone is not null && await Task.WhenAny(until, unlessDone) != until)
            {
                return;
            }

            await until;
        }
        catch (OperationCanceledException) when (safety.IsCancellationRequested)
        {
            Assert.Fail($"{what}: still not so after {SafetyNet.TotalSeconds:0} s (a hang, not a slow machine)");
        }
    }

    /// <summary>
    /// Until <paramref name="condition"/> holds, for state only the kernel knows and reports to nobody (a process of
    /// someone else's gone, a FIN in a socket we do not own): re-checked every few milliseconds. The check, not the
    /// interval, is what the test waits on; the safety net only turns a hang into a loud failure.
    /// </summary>
    public static async Task PolledAsync(Func<Task<bool>> condition, string what)
    {
        var safety = TimeProvider.System.GetTimestamp();
        while (!await condition())
        {
            Assert.True(TimeProvider.System.GetElapsedTime(safety) < SafetyNet, $"{what}: still not so after {SafetyNet.TotalSeconds:0} s (a hang, not a slow machine)");
            await Task.Delay(5);
        }
    }

    /// <inheritdoc cref="PolledAsync(Func{Task{bool}}, string)"/>
    public static Task PolledAsync(Func<bool> condition, string what) => PolledAsync(() => Task.FromResult(condition()), what);

    /// <summary>Until <paramref name="condition"/> holds on <paramref name="device"/>, re-checked on every request and link change.</summary>
    public static Task UntilAsync(SimulatedDevice device, Func<bool> condition, string what, Task? unlessDone = null) =>
        UntilAsync(device.Service.Changes, condition, what, unlessDone);
}
