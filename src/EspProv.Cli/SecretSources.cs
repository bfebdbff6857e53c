using System.CommandLine;

namespace EspProv.Cli;

/// <summary>
/// Secrets from a file or the environment (<c>--passphrase-file</c>, <c>ESP_PROV_PASSPHRASE</c>, ...), because any
/// user on the machine can read a process's arguments. For each of passphrase, PoP and security 2 password the
/// precedence is: the flag given explicitly, then its file, then its environment variable, then (PoP and password
/// only) a <c>--qr</c> payload. A file or variable stands in for the flag, so it wins over a QR payload as the flag does.
/// </summary>
internal static class SecretSources
{
    public const string PassphraseVariable = "ESP_PROV_PASSPHRASE";
    public const string PopVariable = "ESP_PROV_POP";
    public const string Sec2PasswordVariable = "ESP_PROV_SEC2_PWD";

    /// <summary>
    /// Fills the secrets not given as flags from their files or variables. An unreadable file becomes a usage error
    /// (exit 64) naming the flag and the file, never its content. An empty variable counts as unset.
    /// </summary>
    public static ProvisionSettings Apply(ProvisionSettings settings, ParseResult result, ProvisionOptions o, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(o);
        environment ??= Environment.GetEnvironmentVariable;
        string? error = null;

        string? Resolve(Option flag, Option<FileInfo?> fileOption, string variable)
        {
            if (ProvisionSettings.Given(result, flag))
            {
                return null;
            }

            if (result.GetValue(fileOption) is { } file)
            {
                if (TryReadSecretFile(file.FullName, out var secret, out var readError))
                {
                    return secret;
                }

                error ??= $"{fileOption.Name}: {readError}";
                return null;
            }

            return environment(variable) is { Length: > 0 } value ? value : null;
        }

        var passphrase = Resolve(o.Passphrase, o.Secrets.PassphraseFile, PassphraseVariable);
        var pop = Resolve(o.Pop, o.Secrets.PopFile, PopVariable);
        var password = Resolve(o.Sec2Password, o.Secrets.Sec2PasswordFile, Sec2PasswordVariable);
        if (error is not null)
        {
            return settings with { UsageError = settings.UsageError ?? error };
        }

        return settings with
        {
            Passphrase = passphrase ?? settings.Passphrase,
            Pop = pop ?? settings.Pop,
            Sec2Password = password ?? settings.Sec2Password,
        };
    }

    /// <summary>
    /// Reads a secret file: its whole content, less one trailing line break (<c>\n</c> or <c>\r\n</c>) as editors and
    /// <c>echo</c> add; nothing else is stripped (a passphrase may end with a space). The error names the file only.
    /// </summary>
    public static bool TryReadSecretFile(string path, out string secret, out string error)
    {
        try
        {
            var text = File.ReadAllText(path);
            secret = text.EndsWith("\r\n", StringComparison.Ordinal) ? text[..^2] : text.EndsWith('\n') ? text[..^1] : text;
            error = string.Empty;
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.SecurityException)
        {
            secret = string.Empty;
            error = $"cannot read '{path}': {(ex is FileNotFoundException or DirectoryNotFoundException ? "no such file" : ex is UnauthorizedAccessException ? "permission denied" : "read error")}";
            return false;
        }
    }
}

/// <summary>The <c>--*-file</c> options of <see cref="SecretSources"/> (kept apart so the provisioning options change by one line).</summary>
internal sealed class SecretFileOptions
{
    public Option<FileInfo?> PassphraseFile { get; } = new("--passphrase-file", "--passphrase_file")
    {
        Description = $"read the passphrase from this file (one trailing newline is ignored); else ${SecretSources.PassphraseVariable} is used. Keeps it out of the process list",
        HelpName = "file",
    };

    public Option<FileInfo?> PopFile { get; } = new("--pop-file", "--pop_file")
    {
        Description = $"read the PoP from this file; else ${SecretSources.PopVariable} is used",
        HelpName = "file",
    };

    public Option<FileInfo?> Sec2PasswordFile { get; } = new("--sec2_pwd-file", "--sec2-pwd-file", "--sec2_pwd_file")
    {
        Description = $"read the security 2 password from this file; else ${SecretSources.Sec2PasswordVariable} is used",
        HelpName = "file",
    };

    public IEnumerable<Option> All => [PassphraseFile, PopFile, Sec2PasswordFile];
}
