using System.Globalization;
using EspProv.Exceptions;
using EspProv.Security;
using EspProv.Transport;

namespace EspProv.Provisioning;

/// <summary>
/// Whether a transport can carry a security scheme's handshake at all: its first message against the transport's
/// request limit (<see cref="IProvisioningTransport.GetMaxRequestBytes"/>). Checked before the handshake starts, and by
/// <see cref="ProvisioningFlow"/> before anything is sent when the plan names the scheme, so a scheme that cannot work
/// fails with one clear error instead of a device that silently cuts the message.
/// </summary>
internal static class SchemeFit
{
    /// <summary>Throws <see cref="SessionFailedException"/> (<see cref="SessionFailureReason.TransportTooSmall"/>) when it cannot.</summary>
    public static void Ensure(IProvisioningTransport transport, SecurityScheme scheme)
    {
        var needed = HandshakeSizes.SmallestFirstRequest(scheme);
        var limit = transport.GetMaxRequestBytes(Endpoints.Session);
        if (needed > limit)
        {
            var number = ((int)scheme).ToString(CultureInfo.InvariantCulture);
            throw new SessionFailedException(SessionFailureReason.TransportTooSmall, HandshakeStage.Command0,
                $"security {number} cannot run over this transport: its first handshake message takes at least {needed.ToString(CultureInfo.InvariantCulture)} bytes "
                + $"and the transport carries at most {limit.ToString(CultureInfo.InvariantCulture)} to prov-session (use security 0 or 1, or another transport)");
        }
    }
}
