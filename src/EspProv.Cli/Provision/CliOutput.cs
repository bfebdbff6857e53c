using System.Text;
using EspProv.Provisioning;

namespace EspProv.Cli.Provision;

/// <summary>
/// Where a provisioning run writes: progress on stdout (esp_prov's <c>====</c>/<c>----</c> lines, <c>-v</c> detail), one
/// error line on stderr. Device-supplied text never reaches the terminal raw.
/// </summary>
internal sealed class CliOutput(TextWriter output, TextWriter error, bool verbose)
{
    public bool IsVerbose => verbose;

    public TextWriter Writer => output;

    public void Out(string line) => output.WriteLine(line);

    public void Verbose(string line)
    {
        if (verbose)
        {
            output.WriteLine("  " + ReplyValidation.Printable(line, 4096));
        }
    }

    /// <summary>Writes the one error line (with <c>-v</c>, its chain of causes, never a stack trace) and returns <paramref name="code"/>.</summary>
    public int Fail(int code, string message, Exception? ex = null)
    {
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

    /// <summary>A second line of advice on stderr.</summary>
    public void Advise(string line) => error.WriteLine($"esp-prov: {OneLine(line)}");

    /// <summary>Device-supplied text: control characters and escape sequences never reach the terminal.</summary>
    public static string Shown(string text) => ReplyValidation.Printable(text, 200);

    /// <summary>An error message as exactly one line, whatever a device or the OS put in it.</summary>
    public static string OneLine(string text) => ReplyValidation.Printable(text, 1000);

    /// <summary>A device's reply as text when it is printable, else as hex.</summary>
    public static string Printable(byte[] reply)
    {
        var text = Encoding.UTF8.GetString(reply).TrimEnd('\0');
        return text.All(c => !char.IsControl(c)) ? text : Convert.ToHexStringLower(reply);
    }
}
