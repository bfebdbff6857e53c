namespace EspProv.Cli.Batch;

/// <summary>The rules both journals apply to a transition, so the in-memory one behaves exactly as the SQLite one.</summary>
internal static class JournalRecords
{
    public static DeviceRecord NewPending(string name, DateTimeOffset now) => new()
    {
        Name = name,
        State = DeviceState.Pending,
        EnteredAt = new Dictionary<DeviceState, DateTimeOffset> { [DeviceState.Pending] = now },
        UpdatedAt = now,
    };

    /// <summary>The record after moving <paramref name="current"/> to <paramref name="to"/>; throws for a refused move.</summary>
    public static DeviceRecord Move(DeviceRecord current, DeviceState to, DeviceOutcome outcome, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (!DeviceStates.CanMove(current.State, to))
        {
            throw new JournalTransitionException(current.Name, current.State, to);
        }

        var entered = new Dictionary<DeviceState, DateTimeOffset>(current.EnteredAt) { [to] = now };
        if (to == DeviceState.Session)
        {
            // A new attempt: the previous attempt's outcome no longer describes the device.
            return current with
            {
                State = to,
                Attempts = current.Attempts + 1,
                Ip = outcome.Ip,
                Bssid = outcome.Bssid,
                Channel = outcome.Channel,
                AuthMode = outcome.AuthMode,
                Reason = outcome.Reason,
                ExitCode = outcome.ExitCode,
                EnteredAt = entered,
                UpdatedAt = now,
            };
        }

        return current with
        {
            State = to,
            Ip = outcome.Ip ?? current.Ip,
            Bssid = outcome.Bssid ?? current.Bssid,
            Channel = outcome.Channel ?? current.Channel,
            AuthMode = outcome.AuthMode ?? current.AuthMode,
            Reason = outcome.Reason ?? current.Reason,
            ExitCode = outcome.ExitCode ?? current.ExitCode,
            EnteredAt = entered,
            UpdatedAt = now,
        };
    }
}
