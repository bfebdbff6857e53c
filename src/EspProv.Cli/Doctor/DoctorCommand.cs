using System.CommandLine;

namespace EspProv.Cli.Doctor;

/// <summary><c>esp-prov doctor</c>: the provisioning command's target and security flags, plus <c>--interface</c> and <c>--json</c>.</summary>
internal static class DoctorCommand
{
    public const string Name = "doctor";
    public static readonly string Description =
        "check why provisioning does not work, without changing the device: "
        + string.Join(", or ", Transports.TransportFactory.All.Select(p => p.DoctorHelp).OfType<string>()) + "; then the connection, the version answer, "
        + "the session with the given PoP or credentials, and with --ssid whether the device sees the network. Exit 0 when provisioning would work, "
        + "else the exit code provisioning would end with (2 no connection, no BlueZ or adapter, device not advertising; 3 not a provisioning device, 4 session, 8 network not seen).";

    public static Command Create(TextWriter output, TextWriter error, Func<string, string?>? environment, Func<INetworkInfo>? network = null,
        string? bleBusAddress = null)
    {
        var options = new ProvisionOptions();
        var command = new Command(Name, Description);
        Option[] relevant =
        [
            options.Ssid, options.SecVer, options.Pop, options.ProtoVer, options.SoftApEndpoint, options.Timeout, options.Transport,
            options.ServiceName, options.ScanTimeout, .. options.TransportFlags.SelectMany(f => f.All), options.CaFile, options.Sec2Username, options.Sec2Password, options.Qr, options.Transcript, options.RedactNetwork,
            options.Interface, options.Json, options.Join.Join, options.Join.WifiInterface, options.Join.Passphrase, options.Join.PassphraseFile,
            .. options.Secrets.All,
        ];
        foreach (var option in options.All)
        {
            // The rest are accepted (so a provisioning command line can be turned into a doctor one by adding the word) but not shown.
            option.Hidden = !relevant.Contains(option);
            command.Options.Add(option);
        }

        command.SetAction((parseResult, cancellationToken) =>
        {
            var settings = ProvisionSettings.From(parseResult, options, environment);
            var doctor = new DoctorSettings(settings with { TimeoutSeconds = ProvisionSettings.Given(parseResult, options.Timeout) ? settings.TimeoutSeconds : 30 },
                settings.Interface, settings.Json);
            return DoctorMain.RunAsync(output, error, doctor, network?.Invoke() ?? new SystemNetworkInfo(NetworkManager.WifiLinksAsync), cancellationToken,
                bleBusAddress);
        });
        return command;
    }
}
