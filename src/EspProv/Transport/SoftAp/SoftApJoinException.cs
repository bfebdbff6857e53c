using EspProv.Exceptions;

namespace EspProv.Transport.SoftAp;

/// <summary>Why joining a device's soft AP failed.</summary>
public enum SoftApJoinFailure
{
    /// <summary>No network with that SSID was seen within the scan timeout.</summary>
    NetworkNotFound,

    /// <summary>The AP refused the passphrase (or needs one and none was given).</summary>
    PassphraseRefused,

    /// <summary>Associated, but no IPv4 address arrived from the device's DHCP server.</summary>
    DhcpFailed,

    /// <summary>Joining is not possible here: no NetworkManager (or not Linux), or no usable Wi-Fi interface.</summary>
    Unavailable,

    /// <summary>The join failed for another reason NetworkManager gave, or timed out before associating.</summary>
    JoinFailed,
}

/// <summary>Joining a device's soft AP failed; the interface has been restored.</summary>
public sealed class SoftApJoinException : TransportException
{
    /// <summary>Creates the exception.</summary>
    public SoftApJoinException(SoftApJoinFailure reason, string ssid, string message, Exception? innerException = null)
        : base(reason switch
        {
            SoftApJoinFailure.NetworkNotFound => TransportFailure.DeviceNotFound,
            SoftApJoinFailure.Unavailable => TransportFailure.Unavailable,
            SoftApJoinFailure.PassphraseRefused => TransportFailure.SecureLinkFailed,
            _ => TransportFailure.ConnectionRefused,
        }, ssid, message, innerException)
    {
        Reason = reason;
        Ssid = ssid;
    }

    /// <summary>Why it failed.</summary>
    public SoftApJoinFailure Reason { get; }

    /// <summary>The network that was to be joined.</summary>
    public string Ssid { get; }

    /// <summary>How giving the interface back went, when the join had changed it (null when nothing had changed).</summary>
    public SoftApRestoreResult? Restore { get; internal set; }
}
