namespace EspProv.Tests.Support;

/// <summary>
/// Waits for a condition another thread or the network makes true (a socket closed, a counter moved) instead of
/// sleeping a fixed time, which flakes on a loaded CI machine. For state with no event to await: the condition is
/// polled every few milliseconds until it holds, and the test fails if it does not hold by the deadline.
/// </summary>
internal static class Eventually
{
    public static Task UntilAsync(Func<bool> condition, string what, int timeoutMs = 10_000) =>
        UntilAsync(() => Task.FromResult(condition()), what, timeoutMs);

    public static async Task UntilAsync(Func<Task<bool>> condition, string what, int timeoutMs = 10_000)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.ElapsedMilliseconds < timeoutMs, $"{what}: not within {timeoutMs} ms");
            await Task.Delay(5); // the poll interval, not a guess at how long the condition takes
        }
    }
}
