using System.Diagnostics;
using EspProv.Exceptions;

namespace EspProv.Transport.Recording;

/// <summary>
/// A transport decorator that records every exchange of the transport it wraps (endpoint, sizes, timings, outcome,
/// and the non-secret fields of <c>proto-ver</c> and <c>prov-session</c>) into a <see cref="TransportRecorder"/>, for
/// a transcript that can be attached to a public bug report. It never keeps payload bytes: encrypted endpoints carry
/// ciphertext (plaintext under security 0, where a passphrase would be readable), and handshake messages would let
/// anyone test guesses of a PoP or password offline.
/// </summary>
/// <param name="inner">The transport that moves the bytes.</param>
/// <param name="recorder">Receives the exchanges.</param>
/// <param name="ownsInner">Dispose <paramref name="inner"/> with this transport. Default true.</param>
public sealed class RecordingTransport(IProvisioningTransport inner, TransportRecorder recorder, bool ownsInner = true) : IProvisioningTransport
{
    private readonly IProvisioningTransport _inner = inner ?? throw new ArgumentNullException(nameof(inner));
    private readonly TransportRecorder _recorder = recorder ?? throw new ArgumentNullException(nameof(recorder));

    /// <inheritdoc />
    public int MaxResponseBytes => _inner.MaxResponseBytes;

    /// <inheritdoc />
    public int GetMaxRequestBytes(string endpoint) => _inner.GetMaxRequestBytes(endpoint);

    /// <inheritdoc />
    public async Task<byte[]> SendAsync(string endpoint, ReadOnlyMemory<byte> request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var startedAt = _recorder.Elapsed;
        var started = Stopwatch.GetTimestamp();
        var requestFields = Prefixed("request.", ExchangeDecoder.DecodeRequest(endpoint, request.Span));
        try
        {
            var response = await _inner.SendAsync(endpoint, request, cancellationToken).ConfigureAwait(false);
            _recorder.Add(endpoint, startedAt, Stopwatch.GetElapsedTime(started), request.Length, response.Length, "ok",
                [.. requestFields, .. Prefixed("response.", ExchangeDecoder.DecodeResponse(endpoint, response))]);
            return response;
        }
        catch (Exception ex)
        {
            _recorder.Add(endpoint, startedAt, Stopwatch.GetElapsedTime(started), request.Length, null, OutcomeOf(ex), requestFields);
            throw;
        }
    }

    /// <inheritdoc />
    public ValueTask<TransportLink> PrepareAsync(string endpoint, CancellationToken cancellationToken = default) => _inner.PrepareAsync(endpoint, cancellationToken);

    /// <inheritdoc />
    public ValueTask ResetAsync(CancellationToken cancellationToken = default) => _inner.ResetAsync(cancellationToken);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ownsInner ? _inner.DisposeAsync() : ValueTask.CompletedTask;

    private static List<KeyValuePair<string, string>> Prefixed(string prefix, IReadOnlyList<KeyValuePair<string, string>> fields) =>
        [.. fields.Select(f => KeyValuePair.Create(prefix + f.Key, f.Value))];

    /// <summary>The outcome name of a failed exchange: never the exception's message, which is not ours to vet.</summary>
    private static string OutcomeOf(Exception ex) => ex switch
    {
        TransportException t => t.Failure.ToString(),
        OperationCanceledException => "cancelled",
        _ => ex.GetType().Name,
    };
}
