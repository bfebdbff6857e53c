using System.CommandLine;
using EspProv.Thread;

namespace EspProv.Cli.Provision;

/// <summary>
/// <c>--dataset_tlvs</c> (esp_prov's name), <c>--dataset-file</c> and <c>ESP_PROV_DATASET_TLVS</c>: the Thread
/// dataset of a Thread device (docs/netprov.md#the-cli). It holds the network key, so a file or the variable keeps it
/// out of the process list, as for a passphrase.
/// </summary>
internal sealed class DatasetOptions
{
    public const string Variable = "ESP_PROV_DATASET_TLVS";

    /// <summary>
    /// The fields <paramref name="dataset"/> lacks to be a complete active dataset, as a list of TLV names, or null when it
    /// is complete. Such a dataset is sent anyway (a device may learn the rest from the network), but said.
    /// </summary>
    public static string? MissingFields(EspProv.Thread.ThreadDataset? dataset) =>
        dataset?.MissingActiveFields is { Count: > 0 } missing
            ? string.Join(", ", missing.Select(f => EspProv.Thread.ThreadDatasetFormatException.TlvName((int)f)))
            : null;

    /// <summary>The warning of a run or batch for an incomplete dataset (<see cref="MissingFields"/>), or null.</summary>
    public static string? Incomplete(EspProv.Thread.ThreadDataset? dataset, string? source) =>
        MissingFields(dataset) is { } missing ? $"the Thread dataset ({source}) is not a complete active dataset: it lacks {missing}" : null;

    public Option<string?> Tlvs { get; } = new("--dataset_tlvs", "--dataset-tlvs")
    {
        Description = "a Thread device's operational dataset in hex (the output of 'ot-ctl dataset active -x'); on a terminal, omit it to pick a network from a scan",
        HelpName = "hex",
    };

    public Option<FileInfo?> File { get; } = new("--dataset-file", "--dataset_file")
    {
        Description = $"read the Thread dataset (hex) from this file; else ${Variable} is used",
        HelpName = "file",
    };

    public IEnumerable<Option> All => [Tlvs, File];

    /// <summary>
    /// Reads the dataset: the flag, else its file, else the variable (ignored when <c>--ssid</c> is given: the run is
    /// then for a Wi-Fi device). One that does not parse is a usage error naming its source, the byte offset and the
    /// TLV at fault; the hex itself is never repeated.
    /// </summary>
    public ProvisionSettings Apply(ProvisionSettings settings, ParseResult result, Func<string, string?> environment)
    {
        string? hex;
        string source;
        if (result.GetValue(Tlvs) is { } flag)
        {
            (hex, source) = (flag, "--dataset_tlvs");
        }
        else if (result.GetValue(File) is { } file)
        {
            if (!SecretSources.TryReadSecretFile(file.FullName, out var text, out var readError))
            {
                return settings with { UsageError = settings.UsageError ?? $"--dataset-file: {readError}" };
            }

            (hex, source) = (text, $"--dataset-file {file.Name}");
        }
        else if (settings.Ssid is null && environment(Variable) is { Length: > 0 } value)
        {
            (hex, source) = (value, $"${Variable}");
        }
        else
        {
            return settings;
        }

        if (!ThreadDataset.TryParse(hex, out var dataset, out var error))
        {
            return settings with { UsageError = settings.UsageError ?? $"{source}: not a valid {error.Message}" };
        }

        return settings with { Dataset = dataset, DatasetSource = source };
    }
}
