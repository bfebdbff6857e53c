using System.CommandLine;

namespace EspProv.Cli.Transports.SoftAp;

/// <summary>The flags of <c>--join</c> (joining the device's soft AP through NetworkManager, docs/join.md).</summary>
internal sealed class JoinOptions
{
    public const string PassphraseVariable = "ESP_PROV_JOIN_PASSPHRASE";

    public Option<string?> Join { get; } = new("--join")
    {
        Description = "join the device's soft AP (e.g. PROV_1A2B3C) through NetworkManager first, provision over it, then give the Wi-Fi interface back its previous network (Linux; docs/join.md)",
        HelpName = "ssid",
    };

    public Option<string?> WifiInterface { get; } = new("--wifi-interface", "--wifi_interface")
    {
        Description = "with --join: the Wi-Fi interface to join with (default: the first one NetworkManager manages)",
        HelpName = "name",
    };

    public Option<string?> Passphrase { get; } = new("--join-passphrase", "--join_passphrase")
    {
        Description = $"with --join: the passphrase of the device's soft AP when it has one (ignored for an open AP); or --join-passphrase-file, or ${PassphraseVariable}",
    };

    public Option<FileInfo?> PassphraseFile { get; } = new("--join-passphrase-file", "--join_passphrase_file")
    {
        Description = "read the soft AP's passphrase from this file (one trailing newline is ignored)",
        HelpName = "file",
    };

    public Option<bool> RestoreWifi { get; } = new("--restore-wifi", "--restore_wifi")
    {
        Description = "give the Wi-Fi interface back the network it had before a --join run that did not end (killed, crashed), then exit",
    };

    public IEnumerable<Option> All => [Join, WifiInterface, Passphrase, PassphraseFile, RestoreWifi];
}

/// <summary>The parsed <c>--join</c> flags. <see cref="Ssid"/> null = no join (unless <see cref="RestoreWifi"/>).</summary>
/// <param name="Ssid">The soft AP to join.</param>
/// <param name="FromQr">True when the SSID came from a QR payload's name rather than <c>--join</c>.</param>
internal sealed record JoinSettings(string? Ssid, string? WifiInterface, string? Passphrase, bool RestoreWifi, bool FromQr = false)
{
    /// <summary>Reads the flags; the passphrase from the flag, else its file, else the environment (as the other secrets).</summary>
    public static JoinSettings Read(ParseResult result, JoinOptions o, Func<string, string?> environment, out string? error)
    {
        error = null;
        var passphrase = result.GetValue(o.Passphrase);
        if (!ProvisionSettings.Given(result, o.Passphrase))
        {
            if (result.GetValue(o.PassphraseFile) is { } file)
            {
                if (SecretSources.TryReadSecretFile(file.FullName, out var secret, out var readError))
                {
                    passphrase = secret;
                }
                else
                {
                    error = $"{o.PassphraseFile.Name}: {readError}";
                }
            }
            else if (environment(JoinOptions.PassphraseVariable) is { Length: > 0 } value)
            {
                passphrase = value;
            }
        }

        return new JoinSettings(result.GetValue(o.Join), result.GetValue(o.WifiInterface), passphrase, result.GetValue(o.RestoreWifi));
    }

    /// <summary>Never shows the passphrase.</summary>
    public override string ToString() => $"JoinSettings {{ Ssid = {Ssid}, WifiInterface = {WifiInterface} }}";
}
