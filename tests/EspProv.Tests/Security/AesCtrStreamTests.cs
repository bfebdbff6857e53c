using System.Security.Cryptography;
using EspProv.Security.Primitives;

namespace EspProv.Tests.Security;

public sealed class AesCtrStreamTests
{
    private static readonly byte[] Key = Convert.FromHexString("9a5df6c9e4bfc1a9b973efcf27eb2e976314917d820319e5641bafdc4dcaedc0");

    [Theory]
    [InlineData(new[] { 1, 2, 3, 100, 7 })]
    [InlineData(new[] { 16, 16, 32 })]
    [InlineData(new[] { 15, 1, 17, 300 })]
    public void Stream_IsByteGranular_AcrossCalls(int[] sizes)
    {
        var iv = Convert.FromHexString("000102030405060708090a0b0c0d0e0f");
        var total = sizes.Sum();
        using var whole = new AesCtrStream(Key, iv);
        var expected = whole.Transform(new byte[total]);

        using var pieces = new AesCtrStream(Key, iv);
        var got = sizes.SelectMany(n => pieces.Transform(new byte[n])).ToArray();
        Assert.Equal(expected, got);
        Assert.Equal(total, pieces.Position);
    }

    [Fact]
    public void Counter_IsWhole128BitBigEndian_AndWraps()
    {
        var iv = Enumerable.Repeat((byte)0xff, 16).ToArray();
        using var ctr = new AesCtrStream(Key, iv);
        var keystream = ctr.Transform(new byte[32]);

        using var aes = Aes.Create();
        aes.Key = Key;
        var block0 = aes.EncryptEcb(iv, PaddingMode.None);
        var block1 = aes.EncryptEcb(new byte[16], PaddingMode.None); // ff..ff + 1 wraps to 00..00
        Assert.Equal(block0.Concat(block1).ToArray(), keystream);
    }

    [Fact]
    public void LowWordCarry_PropagatesToHighWord()
    {
        var iv = Convert.FromHexString("0000000000000000ffffffffffffffff");
        using var ctr = new AesCtrStream(Key, iv);
        var keystream = ctr.Transform(new byte[32]);
        using var aes = Aes.Create();
        aes.Key = Key;
        Assert.Equal(aes.EncryptEcb(Convert.FromHexString("00000000000000010000000000000000"), PaddingMode.None), keystream[16..]);
    }

    [Fact]
    public void EncryptThenDecrypt_WithTwoStreams_RoundTrips()
    {
        var iv = RandomNumberGenerator.GetBytes(16);
        var plain = RandomNumberGenerator.GetBytes(1000);
        using var a = new AesCtrStream(Key, iv);
        using var b = new AesCtrStream(Key, iv);
        Assert.Equal(plain, b.Transform(a.Transform(plain)));
    }
}
