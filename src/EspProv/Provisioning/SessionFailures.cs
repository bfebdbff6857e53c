using EspProv.Exceptions;
using EspProv.Security;

namespace EspProv.Provisioning;

/// <summary>What a transport failure during the handshake most likely means (docs/protocol.md#wrong-pop: firmware
/// rejects a proof by ending the exchange).</summary>
internal static class SessionFailures
{
    public static SessionFailedException FromTransport(ISecuritySession session, TransportException ex)
    {
        var stage = session.Stage;
        // Only an exchange ended with no answer at all is firmware's way of rejecting a proof; a cut-off answer is a link fault.
        if (ex.Failure is TransportFailure.ClosedWithoutResponse && session.CredentialHint is { } hint)
        {
            return new SessionFailedException(SessionFailureReason.CredentialsRejected, stage,
                $"session failed at {stage}: the device ended the exchange without a response ({hint})", ex);
        }

        var detail = ex.Failure == TransportFailure.ClosedWithoutResponse
            ? $"the device ended the exchange without a response (it does not accept security {(int)session.Scheme}?)"
            : ex.Message;
        return new SessionFailedException(SessionFailureReason.TransportError, stage, $"session failed at {stage}: {detail}", ex);
    }
}
