using System.Security.Cryptography;
using CsCheck;
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

    /// <summary>NIST SP 800-38A F.5.5 (CTR-AES256.Encrypt), on the platform's AES and on BouncyCastle's (the browser's).</summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Sp80038A_CtrAes256_KnownAnswer(bool platformAes)
    {
        var key = Convert.FromHexString("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4");
        var counter = Convert.FromHexString("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff");
        var plain = Convert.FromHexString(
            "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710");
        using var ctr = new AesCtrStream(key, counter, platformAes);
        Assert.Equal(
            "601ec313775789a5b7a7f504bbf3d228f443e3ca4d62b59aca84e990cacaf5c52b0930daa23de94ce87017ba2d84988ddfc9c58db67aada613c2dd08457941a6",
            Convert.ToHexStringLower(ctr.Transform(plain)));
    }

    [Fact]
    public void PlatformAndManagedAes_GiveTheSameStream_ForAnyKeyCounterAndSplit()
    {
        Gen.Select(Gen.Byte.Array[32], Gen.Byte.Array[16], Gen.Int[0, 100].Array[1, 6]).Sample((key, counter, sizes) =>
        {
            using var platform = new AesCtrStream(key, counter, platformAes: true);
            using var managed = new AesCtrStream(key, counter, platformAes: false);
            foreach (var size in sizes)
            {
                var input = new byte[size];
                Assert.Equal(platform.Transform(input), managed.Transform(input));
            }
        }, iter: 200);
    }
}
