using EspProv.Provisioning;

namespace EspProv.Exceptions;

/// <summary>The device's protocol version does not match the one asked for.</summary>
public sealed class ProtocolVersionMismatchException : ProvisioningException
{
    /// <summary>Creates the exception.</summary>
    public ProtocolVersionMismatchException(string expected, string actual)
        : base($"protocol version mismatch: expected '{Provisioning.DeviceText.Printable(expected)}', device reports '{Provisioning.DeviceText.Printable(actual)}'", ProvisioningStep.ProtocolVersion, "proto-ver")
    {
        Expected = expected;
        Actual = actual;
    }

    /// <summary>The version the caller required.</summary>
    public string Expected { get; }

    /// <summary>The device's answer (plain string, or <c>prov.ver</c> of the JSON answer).</summary>
    public string Actual { get; }
}

/// <summary>Why a security session could not be established.</summary>
public enum SessionFailureReason
{
    /// <summary>The device closed the connection during the proof step: usually a wrong PoP or password.</summary>
    CredentialsRejected,

    /// <summary>The device's proof of its own identity did not verify: it does not know our PoP/password, or it is not the device we think.</summary>
    DeviceNotAuthenticated,

    /// <summary>The device answered with a different security scheme, or a malformed handshake message.</summary>
    ProtocolError,

    /// <summary>The transport failed during the handshake for another reason.</summary>
    TransportError,

    /// <summary>The device advertised parameters that contradict each other (e.g. GCM patch version vs nonce length).</summary>
    IncompatibleDevice,
}

/// <summary>The <c>prov-session</c> handshake failed.</summary>
public sealed class SessionFailedException : ProvisioningException
{
    /// <summary>Creates the exception.</summary>
    public SessionFailedException(SessionFailureReason reason, Security.HandshakeStage handshakeStage, string message, Exception? innerException = null,
        Security.SecurityScheme? deviceScheme = null)
        : base(message, ProvisioningStep.Session, "prov-session", innerException)
    {
        Reason = reason;
        HandshakeStage = handshakeStage;
        DeviceScheme = deviceScheme;
    }

    /// <summary>The scheme the device answered with, when it answered with another scheme than the one asked for.</summary>
    public Security.SecurityScheme? DeviceScheme { get; }

    /// <summary>Why the session failed.</summary>
    public SessionFailureReason Reason { get; }

    /// <summary>The handshake message at which it failed, named as in docs/protocol.md (<c>Command0</c>,
    /// <c>Command1</c>).</summary>
    public Security.HandshakeStage HandshakeStage { get; }
}

/// <summary>The device answered a command with a non-success status.</summary>
public sealed class DeviceStatusException : ProvisioningException
{
    /// <summary>Creates the exception.</summary>
    public DeviceStatusException(ProvisioningStep step, string endpoint, DeviceStatus status, string message)
        : base(message, step, endpoint)
    {
        Status = status;
    }

    /// <summary>The status the device reported.</summary>
    public DeviceStatus Status { get; }
}

/// <summary>The device's answer could not be understood (garbled, wrong message type, missing fields).</summary>
public sealed class InvalidResponseException : ProvisioningException
{
    /// <summary>Creates the exception for <paramref name="step"/> (null when raised outside the flow's steps).</summary>
    public InvalidResponseException(ProvisioningStep? step, string endpoint, string message, Exception? innerException = null)
        : base(message, step, endpoint, innerException)
    {
    }

    /// <inheritdoc />
    public override bool MayHaveReachedDevice => true;
}

/// <summary>The secure session is not usable (never established, or lost after a failed encrypted exchange).</summary>
public sealed class SessionNotEstablishedException : ProvisioningException
{
    /// <summary>Creates the exception for <paramref name="step"/>.</summary>
    public SessionNotEstablishedException(ProvisioningStep? step, string endpoint, string message)
        : base(message, step, endpoint)
    {
    }
}

/// <summary>The device reported that it could not join the Wi-Fi network.</summary>
public sealed class WifiConnectionFailedException : NetworkConnectionFailedException
{
    /// <summary>Creates the exception.</summary>
    public WifiConnectionFailedException(WifiFailureReason reason, string message)
        : base(message, "prov-config")
    {
        Reason = reason;
    }

    /// <summary>The reason the device gave.</summary>
    public WifiFailureReason Reason { get; }
}

/// <summary>How a wait for the device's network status ended without a verdict.</summary>
public enum StatusOutcome
{
    /// <summary>The device kept reporting "connecting" until the deadline.</summary>
    TimedOut,

    /// <summary>The device stopped answering after the credentials were applied; it has probably joined the network and switched channel.</summary>
    Unknown,
}

/// <summary>No verdict on the network connection was obtained before the deadline.</summary>
public sealed class StatusUnknownException : ProvisioningException
{
    /// <summary>Creates the exception.</summary>
    public StatusUnknownException(StatusOutcome outcome, string message, Exception? innerException = null)
        : base(message, ProvisioningStep.Status, "prov-config", innerException)
    {
        Outcome = outcome;
    }

    /// <summary>Whether the device kept answering "connecting" or stopped answering.</summary>
    public StatusOutcome Outcome { get; }
}
