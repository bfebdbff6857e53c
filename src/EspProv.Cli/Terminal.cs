using System.Text;

namespace EspProv.Cli;

/// <summary>Interactive input (prompts for a scan pick, passphrase, PoP); injectable so tests can script or forbid it.</summary>
internal interface ITerminal
{
    /// <summary>True when a person can answer prompts (stdin and stdout are a terminal).</summary>
    bool IsInteractive { get; }

    /// <summary>Prompts and reads one line; null at end of input.</summary>
    string? ReadLine(string prompt);

    /// <summary>Prompts and reads a secret without echo.</summary>
    string ReadSecret(string prompt);
}

/// <summary>The process console.</summary>
internal sealed class ConsoleTerminal : ITerminal
{
    public bool IsInteractive => !Console.IsInputRedirected && !Console.IsOutputRedirected;

    public string? ReadLine(string prompt)
    {
        Console.Out.Write(prompt);
        return Console.ReadLine();
    }

    public string ReadSecret(string prompt)
    {
        Console.Out.Write(prompt);
        var secret = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                Console.Out.WriteLine();
                return secret.ToString();
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                if (secret.Length > 0)
                {
                    secret.Length--;
                }
            }
            else if (!char.IsControl(key.KeyChar))
            {
                secret.Append(key.KeyChar);
            }
        }
    }
}
