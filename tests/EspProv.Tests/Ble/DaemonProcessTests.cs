using System.Diagnostics;
using System.Globalization;
using EspProv.Tests.Support;
using EspProv.VirtualBluez;

namespace EspProv.Tests.Ble;

/// <summary>The private dbus-daemon must never outlive the process that started it.</summary>
public sealed class DaemonProcessTests
{
    [RequiresFact(Prerequisite.DbusDaemon)]
    public async Task Daemon_DiesWhenItsOwnerIsKilledWithSigkill()
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "EspProv.Tests.dll"));
        start.ArgumentList.Add("hold-daemon");
        using var holder = Process.Start(start)!;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var line = await holder.StandardOutput.ReadLineAsync(cts.Token);
        Assert.StartsWith("daemon-pid=", line);
        var pid = int.Parse(line!["daemon-pid=".Length..], CultureInfo.InvariantCulture);
        Assert.True(IsAlive(pid));

        holder.Kill(); // SIGKILL: no finalizer, no dispose, only the kernel closing our pipe

        await Eventually.PolledAsync(() => !IsAlive(pid), "dbus-daemon gone after its owner's SIGKILL");
    }

    [RequiresFact(Prerequisite.DbusDaemon)]
    public async Task Dispose_StopsTheDaemon()
    {
        var daemon = await DaemonProcess.StartAsync("dbus-daemon", TimeSpan.FromSeconds(10));
        Assert.StartsWith("unix:path=", daemon.Address);
        Assert.True(IsAlive(daemon.ProcessId));
        await daemon.DisposeAsync();
        await Eventually.PolledAsync(() => !IsAlive(daemon.ProcessId), "dbus-daemon gone after dispose");
    }

    /// <summary>Alive = has a /proc entry that is not a zombie (an orphan may wait a moment for init to reap it).</summary>
    private static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].FirstOrDefault() != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }
}
