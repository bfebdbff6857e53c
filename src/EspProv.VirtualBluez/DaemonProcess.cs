using System.Diagnostics;
using System.Globalization;

namespace EspProv.VirtualBluez;

/// <summary>
/// A private <c>dbus-daemon</c> with a session-style policy (any peer may own any name, as
/// docs/ble.md#a-bluez-stand-in-for-bleak requires for a stand-in owning <c>org.bluez</c>). The daemon dies with this
/// process however it ends: it is started by a
/// <c>/bin/sh</c> that kills it as soon as its stdin reaches end of file, and only this process holds the write end of
/// that pipe, so normal exit, SIGTERM and SIGKILL all close it. (PR_SET_PDEATHSIG is no help from .NET: it fires when
/// the forking thread exits, not the process.)
/// </summary>
public sealed class DaemonProcess : IAsyncDisposable
{
    // $1 = daemon executable, $2 = config file. The daemon's stdin is /dev/null (background job of a non-interactive
    // shell), so only `read` waits on our pipe; `wait` reaps the daemon so the shell exits after it. The shell ignores
    // SIGINT/SIGQUIT: Ctrl+C reaches the whole foreground process group, and a shell dying of it would orphan the
    // daemon (a background job ignores SIGINT) before our process could close the pipe.
    private const string Script = "trap '' INT QUIT; \"$1\" --config-file=\"$2\" --nofork --print-address=1 & pid=$!; echo \"pid=$pid\"; read _; kill $pid 2>/dev/null; wait $pid";

    private readonly Process _shell;
    private readonly string _directory;

    private DaemonProcess(Process shell, string directory, string address, int pid)
    {
        _shell = shell;
        _directory = directory;
        Address = address;
        ProcessId = pid;
    }

    /// <summary>The bus address to connect to (a <c>unix:path=</c> address in a private temporary directory).</summary>
    public string Address { get; }

    /// <summary>Process id of the dbus-daemon.</summary>
    public int ProcessId { get; }

    /// <summary>Starts the daemon and waits until it prints its address.</summary>
    /// <param name="daemonPath">The dbus-daemon executable (a name on PATH or a path).</param>
    /// <param name="timeout">How long to wait for the daemon's address.</param>
    /// <param name="cancellationToken">Cancels the start; the daemon is then stopped.</param>
    /// <exception cref="InvalidOperationException">The daemon could not be started.</exception>
    public static async Task<DaemonProcess> StartAsync(string daemonPath, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var directory = Directory.CreateTempSubdirectory("vbluez-").FullName;
        var config = Path.Combine(directory, "bus.conf");
        await File.WriteAllTextAsync(config, Config(Path.Combine(directory, "bus")), cancellationToken).ConfigureAwait(false);
        var start = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in (string[])["-c", Script, "sh", daemonPath, config])
        {
            start.ArgumentList.Add(arg);
        }
        var shell = Process.Start(start) ?? throw new InvalidOperationException("cannot start /bin/sh");
        try
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            cts.CancelAfter(timeout);
            string? address = null;
            var pid = 0;
            while (address is null || pid == 0)
            {
                var line = await shell.StandardOutput.ReadLineAsync(cts.Token).ConfigureAwait(false);
                if (line is null)
                {
                    var error = await shell.StandardError.ReadToEndAsync(cts.Token).ConfigureAwait(false);
                    throw new InvalidOperationException($"dbus-daemon did not start: {error.Trim()}");
                }
                if (line.StartsWith("pid=", StringComparison.Ordinal))
                {
                    pid = int.Parse(line.AsSpan(4), CultureInfo.InvariantCulture);
                }
                else if (line.Contains(':', StringComparison.Ordinal))
                {
                    address = line.Trim();
                }
            }
            return new DaemonProcess(shell, directory, address, pid);
        }
        catch
        {
            Stop(shell);
            TryDelete(directory);
            throw;
        }
    }

    /// <summary>Stops the daemon (closing the pipe is the signal) and removes its directory.</summary>
    public async ValueTask DisposeAsync()
    {
        Stop(_shell);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await _shell.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            _shell.Kill(entireProcessTree: true);
        }
        _shell.Dispose();
        TryDelete(_directory);
    }

    private static void Stop(Process shell)
    {
        try
        {
            shell.StandardInput.Close();
        }
        catch (IOException)
        {
            // The shell is already gone: nothing holds the daemon any more.
        }
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp directory left behind is harmless.
        }
    }

    private static string Config(string socket) => $"""
        <!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
         "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
        <busconfig>
          <type>session</type>
          <listen>unix:path={socket}</listen>
          <auth>EXTERNAL</auth>
          <policy context="default">
            <allow send_destination="*" eavesdrop="true"/>
            <allow eavesdrop="true"/>
            <allow own="*"/>
          </policy>
        </busconfig>
        """;
}
