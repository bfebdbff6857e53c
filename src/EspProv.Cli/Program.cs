namespace EspProv.Cli;

internal static class Program
{
    private static Task<int> Main(string[] args)
    {
        // A one-shot run: keep OpenSSL unloaded where the managed engines do the job (docs/design.md, "Crypto back-ends").
        EspProv.Security.EspProvCrypto.PreferManagedEngines = true;
        return new CliApp(Console.Out, Console.Error).RunAsync(args);
    }
}
