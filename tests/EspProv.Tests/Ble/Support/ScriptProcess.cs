using System.Diagnostics;
using System.Threading.Channels;

namespace EspProv.Tests.Ble.Support;

/// <summary>A Python script run by Debian's python3 against a private bus, its output lines readable as they come.</summary>
internal sealed class ScriptProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly List<string> _seen = [];

    private ScriptProcess(Process process)
    {
        _process = process;
    }

    public static ScriptProcess Start(string busAddress, string script, params string[] args)
    {
        var start = new ProcessStartInfo(EspProv.Tests.Support.Prerequisites.Python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-u");
        start.ArgumentList.Add(script);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["DBUS_SYSTEM_BUS_ADDRESS"] = busAddress;
        var process = new Process { StartInfo = start };
        var result = new ScriptProcess(process);
        process.OutputDataReceived += (_, e) => result.OnLine(e.Data, "");
        process.ErrorDataReceived += (_, e) => result.OnLine(e.Data, "stderr: ");
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return result;
    }

    /// <summary>Everything printed so far (for failure messages).</summary>
    public string Output
    {
        get
        {
            lock (_seen)
            {
                return string.Join("\n", _seen);
            }
        }
    }

    /// <summary>Waits for a line starting with <paramref name="prefix"/>; fails with the output so far on timeout or exit.</summary>
    public async Task<string> WaitForLineAsync(string prefix, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (await _lines.Reader.WaitToReadAsync(cts.Token))
            {
                while (_lines.Reader.TryRead(out var line))
                {
                    if (line.StartsWith(prefix, StringComparison.Ordinal))
                    {
                        return line;
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"no line '{prefix}' within {timeout}; output:\n{Output}");
        }
        Assert.Fail($"script ended without '{prefix}'; output:\n{Output}");
        return "";
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    private void OnLine(string? line, string prefix)
    {
        if (line is null)
        {
            if (prefix.Length == 0)
            {
                _lines.Writer.TryComplete();
            }
            return;
        }
        lock (_seen)
        {
            _seen.Add(prefix + line);
        }
        _lines.Writer.TryWrite(prefix + line);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(cts.Token);
        }
        _process.Dispose();
    }
}
