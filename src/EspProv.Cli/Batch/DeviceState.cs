namespace EspProv.Cli.Batch;

/// <summary>
/// A device's state in the journal: pending → session → config_sent → applying → connected | failed | unknown.
/// Each is committed before the request of the next step is sent, so after a crash the journal tells what the device
/// may have received: nothing past <see cref="ConfigSent"/> means apply was never sent; <see cref="Applying"/> means
/// it may have been, so it must never be sent again (a resumed run polls the status instead).
/// </summary>
internal enum DeviceState
{
    /// <summary>Not tried yet.</summary>
    Pending,

    /// <summary>An attempt started: connecting and establishing the session.</summary>
    Session,

    /// <summary>The device accepted the Wi-Fi config (set-config); apply not sent yet.</summary>
    ConfigSent,

    /// <summary>Apply is about to be, or was, sent: never send it again; poll the status.</summary>
    Applying,

    /// <summary>The device joined the network.</summary>
    Connected,

    /// <summary>The attempt failed before apply, or the device reported a failure to join.</summary>
    Failed,

    /// <summary>Apply may have been acted on but no verdict came before the deadline.</summary>
    Unknown,
}

/// <summary>Storage names and the allowed transitions of <see cref="DeviceState"/>.</summary>
internal static class DeviceStates
{
    /// <summary>The snake_case name stored in the journal and shown in reports.</summary>
    public static string Name(this DeviceState state) => state switch
    {
        DeviceState.Pending => "pending",
        DeviceState.Session => "session",
        DeviceState.ConfigSent => "config_sent",
        DeviceState.Applying => "applying",
        DeviceState.Connected => "connected",
        DeviceState.Failed => "failed",
        DeviceState.Unknown => "unknown",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    /// <summary>The state stored as <paramref name="name"/>.</summary>
    public static DeviceState Parse(string name) => name switch
    {
        "pending" => DeviceState.Pending,
        "session" => DeviceState.Session,
        "config_sent" => DeviceState.ConfigSent,
        "applying" => DeviceState.Applying,
        "connected" => DeviceState.Connected,
        "failed" => DeviceState.Failed,
        "unknown" => DeviceState.Unknown,
        _ => throw new FormatException($"unknown device state '{name}' in the journal"),
    };

    /// <summary>True for connected, failed and unknown.</summary>
    public static bool IsSettled(this DeviceState state) => state is DeviceState.Connected or DeviceState.Failed or DeviceState.Unknown;

    /// <summary>
    /// Whether the journal accepts <paramref name="from"/> → <paramref name="to"/>. The rule that matters: from
    /// applying there is no way back to session or config_sent, so a resumed run cannot send apply twice; only an
    /// unknown device (a deliberate <c>--retry-unknown</c>) may start a new attempt. Connected is final.
    /// </summary>
    public static bool CanMove(DeviceState from, DeviceState to) => to switch
    {
        DeviceState.Session => from is DeviceState.Pending or DeviceState.Session or DeviceState.ConfigSent or DeviceState.Failed or DeviceState.Unknown,
        DeviceState.ConfigSent => from is DeviceState.Session,
        DeviceState.Applying => from is DeviceState.ConfigSent,
        DeviceState.Connected => from is DeviceState.Applying or DeviceState.Unknown,
        DeviceState.Failed => from is not DeviceState.Connected,
        DeviceState.Unknown => from is DeviceState.Applying or DeviceState.Unknown,
        _ => false,
    };
}
