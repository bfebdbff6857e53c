namespace EspProv.Cli;

internal static class Program
{
    private static Task<int> Main(string[] args) => new CliApp(Console.Out, Console.Error).RunAsync(args);
}
