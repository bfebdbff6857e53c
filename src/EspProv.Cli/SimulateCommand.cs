using System.CommandLine;

namespace EspProv.Cli;

/// <summary><c>esp-prov simulate</c>: runs a simulated device as a standalone server.</summary>
internal static class SimulateCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var command = new Command("simulate", "run a simulated ESP provisioning device (wire-compatible with firmware) for testing clients");
        _ = output;
        _ = error;
        return command;
    }
}
