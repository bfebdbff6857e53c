using System.Globalization;

namespace EspProv.Web.Bench;

/// <summary>Medians and spreads of the bench's samples, printed as markdown table cells.</summary>
internal static class Stats
{
    public static double Median(IReadOnlyCollection<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN
            : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    /// <summary>"median [min–max]" in whole units (thousands separated).</summary>
    public static string Cell(IReadOnlyCollection<double> values) => values.Count == 0
        ? "–"
        : string.Create(CultureInfo.InvariantCulture, $"{Median(values):N0} [{values.Min():N0}–{values.Max():N0}]");
}
