namespace EspProv.Cli.Batch;

/// <summary>
/// One device of a batch manifest. Only <see cref="Name"/> and <see cref="Address"/> are required; a null field takes
/// the batch command's flag. Holds secrets (PoP, security 2 password, passphrase), so <see cref="ToString"/> never shows them.
/// </summary>
internal sealed record ManifestEntry
{
    /// <summary>The device's name: its key in the journal and "device" in JSON output; unique in a manifest.</summary>
    public required string Name { get; init; }

    /// <summary>The device's HTTP server (<c>host[:port]</c> or a URL), as <c>--softap_endpoint</c>.</summary>
    public required string Address { get; init; }

    /// <summary>The 1-based line of the manifest the entry starts on (for messages).</summary>
    public int Line { get; init; }

    /// <summary><c>softap</c> or <c>httpd</c> (normalised to lower case), or null for the command's.</summary>
    public string? Transport { get; init; }

    /// <summary>Network interface to bind the connection to (<c>--interface</c>).</summary>
    public string? Interface { get; init; }

    /// <summary>Security version 0, 1 or 2; null = the command's, else read from the device.</summary>
    public int? SecVer { get; init; }

    /// <summary>Security 1 proof of possession. Secret.</summary>
    public string? Pop { get; init; }

    /// <summary>Security 2 username.</summary>
    public string? Sec2Username { get; init; }

    /// <summary>Security 2 password. Secret.</summary>
    public string? Sec2Password { get; init; }

    /// <summary>The network the device should join.</summary>
    public string? Ssid { get; init; }

    /// <summary>Its passphrase. Secret.</summary>
    public string? Passphrase { get; init; }

    /// <summary>A Thread device's dataset (hex, checked when read). Secret.</summary>
    public string? DatasetTlvs { get; init; }

    /// <summary>Shows which secrets are set, never their values.</summary>
    public override string ToString() =>
        $"ManifestEntry {{ Name = {Name}, Address = {Address}, Transport = {Transport}, Interface = {Interface}, SecVer = {SecVer}, "
        + $"Sec2Username = {Sec2Username}, Ssid = {Ssid}, Pop = {Mask(Pop)}, Sec2Password = {Mask(Sec2Password)}, Passphrase = {Mask(Passphrase)}, DatasetTlvs = {Mask(DatasetTlvs)} }}";

    private static string Mask(string? secret) => secret is null ? "(none)" : "***";
}

/// <summary>A problem in a manifest, with the 1-based line it is on (0 = the file as a whole).</summary>
internal sealed record ManifestError(int Line, string Message)
{
    /// <summary><c>line 3: ...</c>.</summary>
    public override string ToString() => Line > 0 ? $"line {Line}: {Message}" : Message;
}
