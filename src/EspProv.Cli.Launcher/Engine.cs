using System.Runtime.InteropServices;

namespace EspProv.Cli.Launcher;

/// <summary>Starts the engine in this process's place (execv), so its exit code, signals and terminal are the user's.</summary>
internal static partial class Engine
{
    /// <summary>The engine's file name; it is published into the same directory as the launcher.</summary>
    public const string FileName = "esp-prov-core";

    /// <summary>Only returns when the engine could not be started: one line on stderr and exit code 70.</summary>
    public static unsafe int Run(string[] args)
    {
        var path = Path.Combine(AppContext.BaseDirectory, FileName);
        if (OperatingSystem.IsWindows())
        {
            // The native split is published for Linux and macOS only (EspProv.Cli.csproj); Windows gets one binary.
            StandardOutput.WriteErrorLine("esp-prov: this launcher is not built for Windows; publish src/EspProv.Cli for win-x64 instead");
            return 70;
        }

        // argv[0] stays what the user typed, so the engine names itself esp-prov in usage lines and messages.
        var argv = new nint[args.Length + 2];
        argv[0] = Marshal.StringToCoTaskMemUTF8(Environment.GetCommandLineArgs()[0]);
        for (var i = 0; i < args.Length; i++)
        {
            argv[i + 1] = Marshal.StringToCoTaskMemUTF8(args[i]);
        }

        var file = Marshal.StringToCoTaskMemUTF8(path);
        fixed (nint* vector = argv)
        {
            Execv(file, vector);
        }

        var error = Marshal.GetLastPInvokeError();
        StandardOutput.WriteErrorLine($"esp-prov: cannot start {path}: {Marshal.GetPInvokeErrorMessage(error)} (esp-prov-core must be next to esp-prov)");
        return 70;
    }

    [LibraryImport("libc", EntryPoint = "execv", SetLastError = true)]
    private static unsafe partial int Execv(nint path, nint* argv);
}
