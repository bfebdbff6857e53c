namespace EspProv.Cli;

/// <summary>
/// esp-prov's exit codes: 1–7 are esp_prov's own step codes; unlike esp_prov, a failed provisioning never exits 0.
/// </summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int BadSecurityVersion = 1;
    public const int NoConnection = 2;
    public const int VersionMismatch = 3;
    public const int SessionFailed = 4;
    public const int CustomConfigFailed = 5;
    public const int SetConfigFailed = 6;
    public const int ApplyFailed = 7;
    public const int WifiConnectionFailed = 8;
    public const int StatusUnknown = 9;
    public const int CustomDataFailed = 10;
    public const int ScanFailed = 11;
    public const int ControlFailed = 12;

    /// <summary><c>batch</c>: at least one device failed or its outcome is unknown.</summary>
    public const int BatchIncomplete = 13;
    public const int Usage = 64;

    /// <summary>An internal error (a bug): one line, never a stack trace (sysexits' EX_SOFTWARE).</summary>
    public const int InternalError = 70;
    public const int Interrupted = 130;
}
