using EspProv.Exceptions;
using EspProv.Security;

namespace EspProv.Cli.Provision;

/// <summary>
/// The CLI's flag advice added to a library error: the library names causes in its own terms (the device answered
/// security 1; the device probably requires a proof of possession) and the CLI says which flag changes that.
/// </summary>
internal static class FlagAdvice
{
    /// <summary><paramref name="ex"/>'s message, with the flag to use when one would help.</summary>
    /// <param name="ex">The failure.</param>
    /// <param name="security">The scheme the run tried, when one was chosen.</param>
    public static string Message(ProvisioningException ex, ISecurity? security) => ex switch
    {
        SessionFailedException { DeviceScheme: { } device } => $"{ex.Message}; try --sec_ver {(int)device}",
        SessionFailedException { Reason: SessionFailureReason.CredentialsRejected } when security is Security1 { HasProofOfPossession: false } =>
            $"{ex.Message}: give it with --pop",
        _ => ex.Message,
    };
}
