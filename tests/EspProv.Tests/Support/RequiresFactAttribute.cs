using System.Diagnostics;

namespace EspProv.Tests.Support;

/// <summary>Something a test needs from the machine.</summary>
public enum Prerequisite
{
    /// <summary><c>dbus-daemon</c> on PATH (Debian package dbus-daemon).</summary>
    DbusDaemon,

    /// <summary>Debian's <c>/usr/bin/python3</c> with bleak (python3-bleak).</summary>
    Bleak,

    /// <summary>BlueZ's example-gatt-server and example-advertisement (bluez-test-scripts) with python3-dbus and python3-gi.</summary>
    BluezExamples,
}

/// <summary>
/// A fact that is skipped, with the reason, when a prerequisite is missing on a developer machine, and runs (so fails)
/// when <c>CI=true</c>: CI must have everything. xunit 2 has no dynamic skip, so the attribute decides at discovery.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RequiresFactAttribute : FactAttribute
{
    public RequiresFactAttribute(params Prerequisite[] prerequisites)
    {
        string[] missing = [.. prerequisites.Where(p => !Prerequisites.IsAvailable(p)).Select(p => p.ToString())];
        if (missing.Length > 0 && Environment.GetEnvironmentVariable("CI") != "true")
        {
            var reason = "missing prerequisite: " + string.Join(", ", missing) + " (see .ci/run for the Debian packages)";
            base.Skip = reason;
        }
    }
}

/// <summary>Checks for <see cref="Prerequisite"/>s, once per process.</summary>
public static class Prerequisites
{
    public const string Python = "/usr/bin/python3";
    public const string ExamplesDirectory = "/usr/share/doc/bluez-test-scripts/examples";

    private static readonly Lazy<bool> Daemon = new(() => FindOnPath("dbus-daemon") is not null);
    private static readonly Lazy<bool> BleakModule = new(() => PythonImports("bleak"));
    private static readonly Lazy<bool> Examples = new(() =>
        File.Exists(Path.Combine(ExamplesDirectory, "example-gatt-server"))
        && File.Exists(Path.Combine(ExamplesDirectory, "example-advertisement"))
        && PythonImports("dbus, gi.repository.GLib"));

    public static bool IsAvailable(Prerequisite prerequisite) => prerequisite switch
    {
        Prerequisite.DbusDaemon => Daemon.Value,
        Prerequisite.Bleak => BleakModule.Value,
        Prerequisite.BluezExamples => Examples.Value,
        _ => false,
    };

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);

    private static bool PythonImports(string modules)
    {
        if (!File.Exists(Python))
        {
            return false;
        }
        using var process = Process.Start(new ProcessStartInfo(Python, ["-c", "import " + modules])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;
        return process.WaitForExit(20_000) && process.ExitCode == 0;
    }
}
