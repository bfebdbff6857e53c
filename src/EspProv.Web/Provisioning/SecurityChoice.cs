using System.Globalization;
using EspProv.Provisioning;
using EspProv.Security;

namespace EspProv.Web.Provisioning;

/// <summary>
/// The security scheme for a device, chosen as the esp-prov CLI chooses it (src/EspProv.Cli/Provision/SecurityChooser.cs):
/// the user's explicit choice; else, from a JSON proto-ver, the device's <c>sec_ver</c>, or 0 with the <c>no_sec</c>
/// capability, else 1; a plain-string (ESP8266) device gets 1.
/// </summary>
/// <param name="Scheme">0, 1 or 2.</param>
/// <param name="Note">The line the CLI prints about how it chose, or null.</param>
/// <param name="NeedsPop">Security 1 and the device wants a proof of possession (no <c>no_pop</c> capability).</param>
/// <param name="PatchVersion">Security 2's <c>sec_patch_ver</c> (0 when the device does not state it).</param>
public sealed record SecurityChoice(int Scheme, string? Note, bool NeedsPop, int PatchVersion)
{
    /// <summary>Decides from the device's answer; <paramref name="explicitScheme"/> is the user's choice (null = automatic).</summary>
    public static SecurityChoice For(DeviceVersionInfo info, int? explicitScheme)
    {
        ArgumentNullException.ThrowIfNull(info);
        int scheme;
        string? note = null;
        if (explicitScheme is { } chosen)
        {
            scheme = chosen;
        }
        else if (info.IsJson)
        {
            scheme = info.SecurityVersion ?? (info.HasCapability(Capabilities.NoSec) ? 0 : 1);
            note = $"Security scheme determined to be: {scheme.ToString(CultureInfo.InvariantCulture)} (from the device's {(info.SecurityVersion is null ? "capabilities" : "sec_ver")})";
        }
        else
        {
            scheme = 1;
        }

        var needsPop = scheme == 1 && !(info.IsJson && info.HasCapability(Capabilities.NoPop));
        return new SecurityChoice(scheme, note, needsPop, info.SecurityPatchVersion ?? 0);
    }

    /// <summary>The scheme with the secrets the user gave (empty where not needed).</summary>
    public ISecurity Create(string pop, string username, string password) => Scheme switch
    {
        0 => Security0.Instance,
        1 => new Security1(NeedsPop ? pop : string.Empty),
        _ => new Security2(username, password, PatchVersion),
    };

    /// <summary>What is missing before the session can start, or null.</summary>
    public string? Missing(string pop, string username, string password) => Scheme switch
    {
        1 when NeedsPop && pop.Length == 0 => "the device requires a proof of possession for security 1 (it is on the device's label or console)",
        2 when username.Length == 0 || password.Length == 0 => "security 2 needs a username and password (or the device's QR payload)",
        _ => null,
    };
}
