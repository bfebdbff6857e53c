using System.Text;

namespace EspProv.Cli.Transcript;

/// <summary>Passes the run's stderr through and keeps its first error line, the transcript's outcome message.</summary>
internal sealed class ErrorTee(TextWriter inner) : TextWriter
{
    public override Encoding Encoding => inner.Encoding;

    /// <summary>The first <c>esp-prov: …</c> line, without the prefix.</summary>
    public string? FirstError { get; private set; }

    public override void Write(char value) => inner.Write(value);

    public override void Write(string? value) => inner.Write(value);

    public override void WriteLine(string? value)
    {
        if (FirstError is null && value is not null && value.StartsWith("esp-prov: ", StringComparison.Ordinal))
        {
            FirstError = value["esp-prov: ".Length..];
        }

        inner.WriteLine(value);
    }

    public override void Flush() => inner.Flush();
}
