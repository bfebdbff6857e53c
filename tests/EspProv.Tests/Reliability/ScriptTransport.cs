using EspProv.Exceptions;
using EspProv.Transport;

namespace EspProv.Tests.Reliability;

/// <summary>A transport answering each request with the next scripted body (or a scripted failure).</summary>
internal sealed class ScriptTransport(params Func<string, byte[], byte[]>[] answers) : IProvisioningTransport
{
    private int _next;

    public List<(string Endpoint, byte[] Body)> Sent { get; } = [];

    public int Resets { get; private set; }

    public static Func<string, byte[], byte[]> Reply(byte[] body) => (_, _) => body;

    public static Func<string, byte[], byte[]> Fail(TransportFailure failure) =>
        (endpoint, _) => throw new TransportException(failure, endpoint, $"/{endpoint}: scripted {failure}");

    public Task<byte[]> SendAsync(string endpoint, ReadOnlyMemory<byte> request, CancellationToken cancellationToken = default)
    {
        Sent.Add((endpoint, request.ToArray()));
        if (_next >= answers.Length)
        {
            throw new TransportException(TransportFailure.ClosedWithoutResponse, endpoint, $"/{endpoint}: script exhausted");
        }

        return Task.FromResult(answers[_next++](endpoint, request.ToArray()));
    }

    public int MaxResponseBytes => 4096;

    public ValueTask<TransportLink> PrepareAsync(string endpoint, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(new TransportLink(1, SessionSurvivesNewLink: true));

    public ValueTask ResetAsync(CancellationToken cancellationToken = default)
    {
        Resets++;
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
