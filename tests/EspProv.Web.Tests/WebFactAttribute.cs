namespace EspProv.Web.Tests;

/// <summary>
/// A fact that needs Debian's Chromium and dbus-daemon: skipped with the reason on a developer machine without them,
/// run (so failed) when <c>CI=true</c>, where .ci/run installs both.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class WebFactAttribute : FactAttribute
{
    public WebFactAttribute()
    {
        string[] missing =
        [
            .. File.Exists(WebBrowserFixture.ChromiumPath) ? [] : new[] { "chromium (" + WebBrowserFixture.ChromiumPath + ")" },
            .. OnPath("dbus-daemon") ? [] : new[] { "dbus-daemon" },
        ];
        if (missing.Length > 0 && Environment.GetEnvironmentVariable("CI") != "true")
        {
            Skip = "missing prerequisite: " + string.Join(", ", missing) + " (apt-get install chromium dbus-daemon; see .ci/run)";
        }
    }

    private static bool OnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':').Any(d => File.Exists(Path.Combine(d, name)));
}
