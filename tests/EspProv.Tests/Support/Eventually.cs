namespace EspProv.Tests.Support;

/// <summary>
/// Waits for a condition another thread makes true (a socket closed, a counter moved) instead of sleeping a fixed time,
/// which flakes on a loaded CI machine.
/// </summary>
internal static class Eventually
{
    public static async Task UntilAsync(Func<bool> condition, string what, int timeoutMs = 10_000)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.ElapsedMilliseconds < timeoutMs, $"{what}: not within {timeoutMs} ms");
            await Task.Delay(5);
        }
    }
}
