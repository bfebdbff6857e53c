using EspProv.VirtualBluez;

namespace EspProv.Tests.Ble.Support;

/// <summary>
/// Entry point of the test assembly (the test SDK's generated empty one is turned off), so a test can run it as a child
/// process: <c>dotnet EspProv.Tests.dll hold-daemon</c> starts a <see cref="DaemonProcess"/>, prints its pid and waits
/// on stdin, to be killed with SIGKILL by <c>DaemonProcessTests</c>.
/// </summary>
public static class DaemonHolder
{
    public static async Task<int> Main(string[] args)
    {
        if (args is not ["hold-daemon"])
        {
            return 2;
        }
        await using var daemon = await DaemonProcess.StartAsync("dbus-daemon", TimeSpan.FromSeconds(10));
        Console.WriteLine("daemon-pid=" + daemon.ProcessId);
        await Console.In.ReadLineAsync();
        return 0;
    }
}
