namespace EspProv.Device.Core;

/// <summary>
/// Tells a watcher that observable state changed (a request recorded, a link opened or closed), so a test or tool waits
/// for a condition by re-checking it on each change instead of polling a clock. Free when nobody watches: the task to
/// complete exists only once someone asked for <see cref="Next"/>.
/// </summary>
internal sealed class ChangeFeed
{
    private TaskCompletionSource? _next;

    /// <summary>Completes at the next <see cref="Pulse"/>. Take it before checking the condition, so no change is missed.</summary>
    public Task Next
    {
        get
        {
            var current = Volatile.Read(ref _next);
            if (current is not null)
            {
                return current.Task;
            }

            var fresh = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return (Interlocked.CompareExchange(ref _next, fresh, null) ?? fresh).Task;
        }
    }

    /// <summary>Wakes every watcher of <see cref="Next"/>.</summary>
    public void Pulse() => Interlocked.Exchange(ref _next, null)?.TrySetResult();

    /// <summary>
    /// Completes once <paramref name="condition"/> holds, re-checking it after every change. The wait is bounded only by
    /// <paramref name="cancellationToken"/>.
    /// </summary>
    public async Task UntilAsync(Func<bool> condition, CancellationToken cancellationToken)
    {
        while (true)
        {
            var next = Next;
            if (condition())
            {
                return;
            }

            await next.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
