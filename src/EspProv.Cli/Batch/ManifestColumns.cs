using System.Globalization;

namespace EspProv.Cli.Batch;

/// <summary>
/// The manifest's columns (CSV header names and JSON Lines property names) and the checks of one row's values,
/// shared by the CSV and the JSON Lines reader so both accept exactly the same content.
/// </summary>
internal static class ManifestColumns
{
    public const string Name = "name";
    public const string Transport = "transport";
    public const string Address = "address";
    public const string Interface = "interface";
    public const string SecVer = "sec_ver";
    public const string Pop = "pop";
    public const string Sec2Username = "sec2_username";
    public const string Sec2Password = "sec2_pwd";
    public const string Ssid = "ssid";
    public const string Passphrase = "passphrase";

    /// <summary>A Thread device's dataset in hex (docs/netprov.md#the-cli). Secret: it holds the network key.</summary>
    public const string DatasetTlvs = "dataset_tlvs";

    /// <summary>Every column, in the documented order (also the order of the fingerprint's fields).</summary>
    public static readonly IReadOnlyList<string> All = [Name, Transport, Address, Interface, SecVer, Pop, Sec2Username, Sec2Password, Ssid, Passphrase, DatasetTlvs];

    public static readonly IReadOnlyList<string> Required = [Name, Address];

    /// <summary>With <c>batch --discover</c> discovery finds the devices: only the name (to match them) is required.</summary>
    public static readonly IReadOnlyList<string> RequiredDiscovered = [Name];

    public static bool IsKnown(string column) => All.Contains(column, StringComparer.Ordinal);

    /// <summary>
    /// Builds an entry from one row's values (column → value; an empty value counts as absent), adding an error for
    /// each problem found. Returns null when the row has errors.
    /// </summary>
    public static ManifestEntry? ToEntry(IReadOnlyDictionary<string, string> values, int line, List<ManifestError> errors, IReadOnlyList<string>? required = null)
    {
        var before = errors.Count;
        string? Get(string column) => values.TryGetValue(column, out var v) && v.Length > 0 ? v : null;

        foreach (var column in required ?? Required)
        {
            if (Get(column) is null)
            {
                errors.Add(new ManifestError(line, $"missing value for required column '{column}'"));
            }
        }

        int? secVer = null;
        if (Get(SecVer) is { } sv)
        {
            if (int.TryParse(sv, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 0 and <= 2)
            {
                secVer = n;
            }
            else
            {
                errors.Add(new ManifestError(line, $"bad security version '{sv}': use 0, 1 or 2"));
            }
        }

        var transport = Get(Transport)?.ToLowerInvariant();
        if (transport is not null && Transports.TransportFactory.Find(transport) is not { InBatch: true })
        {
            errors.Add(new ManifestError(line, $"transport '{Get(Transport)}' is not supported: use {Transports.TransportFactory.BatchNames}"));
        }

        if (Get(Address) is { } address && !EspProv.Transport.Http.DeviceAddress.TryParse(address, out _, out var addressError))
        {
            errors.Add(new ManifestError(line, $"bad address '{address}': {addressError}"));
        }

        if (Get(DatasetTlvs) is { } tlvs && !EspProv.Thread.ThreadDataset.TryParse(tlvs, out _, out var datasetError))
        {
            // The reason and offset only: the hex holds the network key.
            errors.Add(new ManifestError(line, $"bad {DatasetTlvs}: {datasetError.Message}"));
        }

        if (Get(DatasetTlvs) is not null && Get(Ssid) is not null)
        {
            errors.Add(new ManifestError(line, $"{Ssid} and {DatasetTlvs} exclude each other: a device takes one kind of network"));
        }

        if (errors.Count > before)
        {
            return null;
        }

        return new ManifestEntry
        {
            Name = Get(Name)!,
            Address = Get(Address) ?? string.Empty,
            Line = line,
            Transport = transport,
            Interface = Get(Interface),
            SecVer = secVer,
            Pop = Get(Pop),
            Sec2Username = Get(Sec2Username),
            Sec2Password = Get(Sec2Password),
            Ssid = Get(Ssid),
            Passphrase = Get(Passphrase),
            DatasetTlvs = Get(DatasetTlvs),
        };
    }
}
