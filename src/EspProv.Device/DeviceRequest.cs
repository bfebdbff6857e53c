using System.Globalization;

namespace EspProv.Device;

/// <summary>What the device did with a request.</summary>
public enum DeviceRequestOutcome
{
    /// <summary>The device answered with a response body.</summary>
    Answered,

    /// <summary>The device ended the exchange without a response (firmware's answer to every protocol error).</summary>
    Closed,

    /// <summary>The front-end answered with an error of its own (an HTTP 404, 405, 408, ...); see <see cref="DeviceRequest.Code"/>.</summary>
    Rejected,
}

/// <summary>One request the device received, on any front-end, and what became of it.</summary>
/// <param name="Link">The link's number (1, 2, … in the order the device saw them, over all front-ends).</param>
/// <param name="Endpoint">The endpoint asked for.</param>
/// <param name="RequestBytes">The request body length (as declared, for HTTP).</param>
/// <param name="Outcome">What the device did.</param>
/// <param name="ResponseBytes">The response body length.</param>
public sealed record DeviceRequest(long Link, string Endpoint, long RequestBytes, DeviceRequestOutcome Outcome, int ResponseBytes)
{
    /// <summary>The front-end that carried it: <c>http</c>, <c>ble</c> or <c>memory</c>.</summary>
    public string FrontEnd { get; init; } = string.Empty;

    /// <summary>The front-end's own status for the answer, if it has one (HTTP: 200, 404, …); null when closed without one.</summary>
    public int? Code { get; init; }

    /// <summary>The request as the front-end names it, e.g. <c>POST /prov-session</c> for HTTP; null = the endpoint.</summary>
    public string? Detail { get; init; }

    /// <summary>True when the device ended the exchange without answering.</summary>
    public bool Closed => Outcome == DeviceRequestOutcome.Closed;

    /// <summary>The log line: <c>POST /prov-session 43 B -> 200 43 B</c> or <c>… -> closed</c>.</summary>
    public override string ToString() =>
        $"{Detail ?? FrontEnd + " " + Endpoint} {RequestBytes.ToString(CultureInfo.InvariantCulture)} B -> "
        + (Closed ? "closed" : $"{Code?.ToString(CultureInfo.InvariantCulture) ?? "ok"} {ResponseBytes.ToString(CultureInfo.InvariantCulture)} B");
}
