using EspProv.Tests.Support;

namespace EspProv.Tests.Ble.Client;

/// <summary>The theory form of <see cref="RequiresFactAttribute"/>: skipped when a prerequisite is missing, unless <c>CI=true</c>.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RequiresTheoryAttribute : TheoryAttribute
{
    public RequiresTheoryAttribute(params Prerequisite[] prerequisites)
    {
        string[] missing = [.. prerequisites.Where(p => !Prerequisites.IsAvailable(p)).Select(p => p.ToString())];
        if (missing.Length > 0 && Environment.GetEnvironmentVariable("CI") != "true")
        {
            Skip = "missing prerequisite: " + string.Join(", ", missing) + " (see .ci/run for the Debian packages)";
        }
    }
}
