using EspProv.Security;

namespace EspProv.Provisioning;

/// <summary>
/// What <see cref="ProvisioningClient.ProvisionAsync"/> should do. The delegates let the caller decide with the
/// device's answers in hand; <see cref="For"/> makes a plan whose security and credentials are known up front.
/// </summary>
public sealed record ProvisioningPlan
{
    /// <summary>The body of the <c>proto-ver</c> request and the version to check against. Default <c>V0.1</c> (esp_prov's).</summary>
    public string ExpectedVersion { get; init; } = ProvisioningClient.DefaultVersion;

    /// <summary>
    /// Check the version even when the device answers JSON (esp_prov accepts any JSON answer unless a version is asked
    /// for). A plain-string answer is always checked. Default false.
    /// </summary>
    public bool RequireVersionMatch { get; init; }

    /// <summary>Chooses the security scheme from the device's version answer (its <c>sec_ver</c> and capabilities).</summary>
    public required Func<DeviceVersionInfo, CancellationToken, ValueTask<ISecurity>> ChooseSecurity { get; init; }

    /// <summary>Sends <c>custom-config</c> (ESP8266 custom_config example) after the session, when set.</summary>
    public CustomConfig? CustomConfig { get; init; }

    /// <summary>
    /// Runs once the session is up (and custom config sent) and returns the credentials of the device's network
    /// (<see cref="WifiCredentials"/> for a Wi-Fi device); it may use the session first (scan, control commands). Null
    /// ends the flow there with <see cref="ProvisioningOutcome.StoppedBeforeConfig"/>.
    /// </summary>
    public required Func<ProvisioningClient, DeviceVersionInfo, CancellationToken, ValueTask<NetworkCredentials?>> Credentials { get; init; }

    /// <summary>
    /// The device was sent apply by an earlier run whose outcome is unknown: send nothing that changes it, open a
    /// session and read the status only. Default false.
    /// </summary>
    public bool ResumeAfterApply { get; init; }

    /// <summary>Longest wait for a verdict after apply; null = <see cref="StatusPolling.Timeout"/>.</summary>
    public TimeSpan? StatusTimeout { get; init; }

    /// <summary>A plan with <paramref name="security"/> and <paramref name="credentials"/> known before the run (no scan, no prompt).</summary>
    public static ProvisioningPlan For(ISecurity security, NetworkCredentials credentials)
    {
        ArgumentNullException.ThrowIfNull(security);
        ArgumentNullException.ThrowIfNull(credentials);
        return new ProvisioningPlan
        {
            ChooseSecurity = (_, _) => ValueTask.FromResult(security),
            Credentials = Fixed(credentials),
        };
    }

    /// <summary>Credentials known before the run (no scan, no prompt).</summary>
    public static Func<ProvisioningClient, DeviceVersionInfo, CancellationToken, ValueTask<NetworkCredentials?>> Fixed(NetworkCredentials credentials) =>
        (_, _, _) => ValueTask.FromResult<NetworkCredentials?>(credentials);
}

/// <summary>The <c>custom-config</c> of the ESP8266 custom_config example: an info string and a version number.</summary>
/// <param name="Info">The info string.</param>
/// <param name="Version">The version number.</param>
public sealed record CustomConfig(string Info, int Version);

/// <summary>How <see cref="ProvisioningClient.ProvisionAsync"/> ended without an exception.</summary>
/// <param name="Connection">The device joined: its connection details (a <see cref="WifiConnectionInfo"/> for Wi-Fi). Null when the flow stopped before config.</param>
/// <param name="Version">The device's version answer.</param>
public sealed record ProvisioningOutcome(NetworkConnection? Connection, DeviceVersionInfo Version)
{
    /// <summary>True when <see cref="ProvisioningPlan.Credentials"/> returned null: nothing was configured.</summary>
    public bool StoppedBeforeConfig => Connection is null;
}
