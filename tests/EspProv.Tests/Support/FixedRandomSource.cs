using EspProv.Security;

namespace EspProv.Tests.Support;

/// <summary>Hands out pinned byte strings in order, one per <see cref="Fill"/> call; fails loudly on a mismatch.</summary>
internal sealed class FixedRandomSource(params byte[][] chunks) : IRandomSource
{
    private readonly Queue<byte[]> _chunks = new(chunks);

    public int Remaining => _chunks.Count;

    public void Fill(Span<byte> destination)
    {
        if (!_chunks.TryDequeue(out var next))
        {
            throw new InvalidOperationException($"no pinned random bytes left for a {destination.Length}-byte request");
        }

        if (next.Length != destination.Length)
        {
            throw new InvalidOperationException($"pinned chunk is {next.Length} bytes, request is {destination.Length}");
        }

        next.CopyTo(destination);
    }
}
