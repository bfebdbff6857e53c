namespace EspProv.Transport.Recording;

/// <summary>
/// One request/response exchange as a <see cref="RecordingTransport"/> saw it: sizes, timings, outcome and a few
/// decoded fields of the unencrypted endpoints. Never holds payload bytes.
/// </summary>
/// <param name="Index">Position in the recording, from 1.</param>
/// <param name="Endpoint">The protocomm endpoint (<c>prov-session</c>, ...).</param>
/// <param name="Label">What the caller said it was doing (<see cref="TransportRecorder.Label"/>), e.g. <c>set_config</c>; null if nothing.</param>
/// <param name="StartedAt">When the request was handed to the transport, from the start of the recording.</param>
/// <param name="Elapsed">How long the exchange took.</param>
/// <param name="RequestBytes">Size of the request body.</param>
/// <param name="ResponseBytes">Size of the response body; null when none arrived.</param>
/// <param name="Outcome"><c>ok</c>, a <see cref="Exceptions.TransportFailure"/> name, <c>cancelled</c> or an error type name.</param>
/// <param name="Fields">Decoded, non-secret fields (<see cref="ExchangeDecoder"/>), in order, named <c>request.*</c> and <c>response.*</c>.</param>
public sealed record RecordedExchange(
    int Index,
    string Endpoint,
    string? Label,
    TimeSpan StartedAt,
    TimeSpan Elapsed,
    int RequestBytes,
    int? ResponseBytes,
    string Outcome,
    IReadOnlyList<KeyValuePair<string, string>> Fields);
