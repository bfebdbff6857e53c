using System.Globalization;
using EspProv.Provisioning;
using EspProv.Security;

namespace EspProv.Cli.Provision;

/// <summary>Raised when a run must end with a usage error already reported (a missing PoP without a terminal, ...).</summary>
internal sealed class UsageExitException : Exception
{
    public UsageExitException()
        : base("usage error reported")
    {
    }

    public UsageExitException(string message)
        : base(message)
    {
    }

    public UsageExitException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>Choosing and configuring the security scheme (from flags, the device's proto-ver, or prompts).</summary>
internal sealed class SecurityChooser(CliOutput output, ITerminal terminal)
{
    /// <summary>The scheme for this device; throws <see cref="UsageExitException"/> (already reported) when it cannot be configured.</summary>
    public ISecurity Choose(ProvisionSettings settings, DeviceVersionInfo info) =>
        ChooseOrNull(settings, info) ?? throw new UsageExitException();

    private ISecurity? ChooseOrNull(ProvisionSettings settings, DeviceVersionInfo info)
    {
        int scheme;
        if (settings.SecVer is { } explicitScheme)
        {
            scheme = explicitScheme;
        }
        else if (info.IsJson)
        {
            // esp_prov ignores prov.sec_ver; a security 2 device would then fail. Prefer it when present.
            scheme = info.SecurityVersion ?? (info.HasCapability(Capabilities.NoSec) ? 0 : 1);
            output.Out($"Security scheme determined to be: {scheme.ToString(CultureInfo.InvariantCulture)} (from the device's {(info.SecurityVersion is null ? "capabilities" : "sec_ver")})");
        }
        else
        {
            scheme = 1; // ESP8266 legacy firmware answers a plain string: esp_prov's default.
        }

        switch (scheme)
        {
            case 0:
                return Security0.Instance;
            case 1:
                if (info.IsJson && settings.SecVer is null && info.HasCapability(Capabilities.NoPop) && settings.Pop.Length > 0)
                {
                    output.Out("---- Proof of Possession will be ignored ----");
                    return new Security1(string.Empty);
                }

                var pop = settings.Pop;
                if (info.IsJson && !info.HasCapability(Capabilities.NoPop) && pop.Length == 0)
                {
                    if (!terminal.IsInteractive)
                    {
                        output.Out("---- Proof of Possession argument not provided ----");
                        output.Fail(ExitCodes.Usage, "the device requires a proof of possession for security 1: give it with --pop (it is on the device's label or console)");
                        return null;
                    }

                    pop = terminal.ReadSecret("Proof of Possession required: ");
                }

                return new Security1(pop);
            default:
                var user = settings.Sec2Username;
                var password = settings.Sec2Password;
                if (string.IsNullOrEmpty(user) || string.IsNullOrEmpty(password))
                {
                    if (!terminal.IsInteractive)
                    {
                        output.Fail(ExitCodes.Usage, "security 2 needs a username and password: give --sec2_username and --sec2_pwd (or the device's --qr payload)");
                        return null;
                    }

                    user = string.IsNullOrEmpty(user) ? terminal.ReadLine("Security 2 username: ") ?? string.Empty : user;
                    password = string.IsNullOrEmpty(password) ? terminal.ReadSecret("Security 2 password: ") : password;
                }

                // Patch 1 devices say so in proto-ver; firmware that omits the key uses the older GCM variant
                // (docs/protocol.md#security-2-encryption).
                var patch = info.SecurityPatchVersion ?? 0;
                output.Verbose($"security 2 with sec_patch_ver {patch.ToString(CultureInfo.InvariantCulture)} ({(patch >= 1 ? "12-byte counter nonce" : "static 16-byte IV")})");
                return new Security2(user, password, patch);
        }
    }

    public int GenerateCredentials(ProvisionSettings settings)
    {
        if (settings.SecVer != 2)
        {
            return output.Fail(ExitCodes.Usage, "--sec2_gen_cred needs --sec_ver 2");
        }

        if (string.IsNullOrEmpty(settings.Sec2Username) || string.IsNullOrEmpty(settings.Sec2Password))
        {
            return output.Fail(ExitCodes.Usage, "--sec2_gen_cred needs --sec2_username and --sec2_pwd");
        }

        if (settings.Sec2SaltLen is < 1 or > 256)
        {
            return output.Fail(ExitCodes.Usage, "--sec2_salt_len must be between 1 and 256");
        }

        var (salt, verifier) = Security2Credentials.Generate(settings.Sec2Username, settings.Sec2Password, settings.Sec2SaltLen);
        output.Out("==== Salt-verifier for security scheme 2 (SRP6a) ====");
        output.Out(Security2Credentials.FormatForFirmware(salt, verifier));
        return ExitCodes.Success;
    }
}
