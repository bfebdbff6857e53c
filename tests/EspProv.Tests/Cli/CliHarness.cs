using EspProv.Cli;

namespace EspProv.Tests.Cli;

/// <summary>Runs esp-prov in-process with captured output and a scripted (by default non-interactive) terminal.</summary>
internal static class CliHarness
{
    public static async Task<CliResult> RunAsync(params string[] args) => await RunAsync(new ScriptedTerminal(), args);

    public static async Task<CliResult> RunAsync(ScriptedTerminal terminal, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await new CliApp(output, error, terminal).RunAsync(args);
        return new CliResult(code, output.ToString(), error.ToString());
    }

    /// <summary>The settings a run would use for <paramref name="args"/>, with <paramref name="environment"/> for its variables.</summary>
    public static ProvisionSettings Settings(Func<string, string?> environment, params string[] args)
    {
        var options = new ProvisionOptions();
        var root = new System.CommandLine.RootCommand();
        foreach (var option in options.All)
        {
            root.Options.Add(option);
        }

        return ProvisionSettings.From(root.Parse(args), options, environment);
    }

    /// <inheritdoc cref="Settings(Func{string, string?}, string[])"/>
    public static ProvisionSettings Settings(IReadOnlyDictionary<string, string> environment, params string[] args) =>
        Settings(name => environment.GetValueOrDefault(name), args);
}

internal sealed record CliResult(int ExitCode, string Output, string Error)
{
    public string All => Output + Error;

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Error}";
}

/// <summary>A terminal whose answers are given in advance; non-interactive unless answers are given.</summary>
internal sealed class ScriptedTerminal(params string[] answers) : ITerminal
{
    private readonly Queue<string> _answers = new(answers);

    public bool IsInteractive => answers.Length > 0;

    public List<string> Prompts { get; } = [];

    public string? ReadLine(string prompt)
    {
        Prompts.Add(prompt);
        return _answers.TryDequeue(out var a) ? a : null;
    }

    public string ReadSecret(string prompt)
    {
        Prompts.Add(prompt);
        return _answers.TryDequeue(out var a) ? a : string.Empty;
    }
}
