using System.Text;
using EspProv.Cli.Output;
using EspProv.Provisioning;

namespace EspProv.Cli.Provision;

/// <summary>
/// Where a provisioning run writes: progress on stdout (esp_prov's <c>====</c>/<c>----</c> lines, <c>-v</c> detail), one
/// error line on stderr. Device-supplied text never reaches the terminal raw. With <see cref="Json"/> (<c>--json</c>)
/// stdout carries JSON Lines only: progress lines are dropped, and an error becomes the result event's reason
/// (<see cref="LastError"/>); only a usage error, which ends the run before any event, still goes to stderr.
/// </summary>
internal sealed class CliOutput(TextWriter output, TextWriter error, bool verbose, JsonLinesWriter? json = null)
{
    public bool IsVerbose => verbose && json is null;

    /// <summary>The JSON Lines writer under <c>--json</c>, else null.</summary>
    public JsonLinesWriter? Json => json;

    /// <summary>The last error reported through <see cref="Fail"/>, for the JSON result event.</summary>
    public string? LastError { get; private set; }

    public TextWriter Writer => json is null ? output : TextWriter.Null;

    public void Out(string line)
    {
        if (json is null)
        {
            output.WriteLine(line);
        }
    }

    public void Verbose(string line)
    {
        if (IsVerbose)
        {
            output.WriteLine("  " + DeviceText.Printable(line, 4096));
        }
    }

    /// <summary>Writes the one error line (with <c>-v</c>, its chain of causes, never a stack trace) and returns <paramref name="code"/>.</summary>
    public int Fail(int code, string message, Exception? ex = null)
    {
        LastError = OneLine(message);
        if (json is not null && code != ExitCodes.Usage)
        {
            return code;
        }

        error.WriteLine($"esp-prov: {OneLine(message)}");
        if (verbose && ex is not null)
        {
            for (var inner = ex.InnerException; inner is not null; inner = inner.InnerException)
            {
                error.WriteLine($"  caused by {inner.GetType().Name}: {OneLine(inner.Message)}");
            }
        }

        return code;
    }

    /// <summary>A warning: the run goes on. On stderr, or under <c>--json</c> a <c>warning</c> event on stdout.</summary>
    public void Warn(string line)
    {
        if (json is null)
        {
            error.WriteLine($"esp-prov: warning: {OneLine(line)}");
        }
        else
        {
            json.WriteLine("warning", null, w => w.WriteString("message", OneLine(line)));
        }
    }

    /// <summary>A second line of advice on stderr.</summary>
    public void Advise(string line)
    {
        if (json is null)
        {
            error.WriteLine($"esp-prov: {OneLine(line)}");
        }
    }

    /// <summary>Device-supplied text: control characters and escape sequences never reach the terminal.</summary>
    public static string Shown(string text) => DeviceText.Printable(text, 200);

    /// <summary>An error message as exactly one line, whatever a device or the OS put in it.</summary>
    public static string OneLine(string text) => DeviceText.Printable(text, 1000);

    /// <summary>A device's reply as text when it is printable, else as hex.</summary>
    public static string Printable(byte[] reply)
    {
        var text = Encoding.UTF8.GetString(reply).TrimEnd('\0');
        return text.All(c => !char.IsControl(c)) ? text : Convert.ToHexStringLower(reply);
    }
}
