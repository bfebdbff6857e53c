namespace EspProv.Exceptions;

/// <summary>
/// Base of every error EspProv raises. Carries the step that failed and, where known, the endpoint,
/// so callers (and the CLI's exit-code map) can branch on data instead of message text. Immutable: the step is given
/// when the exception is built (a transport failure is re-raised by the client with its step, see
/// <see cref="TransportException.AtStep"/>), never set after the throw.
/// </summary>
public class ProvisioningException : Exception
{
    /// <summary>Creates an exception for <paramref name="step"/>.</summary>
    public ProvisioningException(string message, ProvisioningStep? step = null, string? endpoint = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Step = step;
        Endpoint = endpoint;
    }

    /// <summary>The step that failed; null when the error was raised below the flow (e.g. by a transport used directly).</summary>
    public ProvisioningStep? Step { get; }

    /// <summary>The device endpoint involved (e.g. <c>prov-session</c>), if any.</summary>
    public string? Endpoint { get; }

    /// <summary>
    /// True when the failed request may still have been carried out by the device: its answer was lost or garbled. A
    /// refused link or a device error status means it was not. Apply is never resent when this is true.
    /// </summary>
    public virtual bool MayHaveReachedDevice => false;
}
