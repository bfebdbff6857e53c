using System.Numerics;
using EspProv.Security.Primitives;

namespace EspProv.Tests.Security;

/// <summary>The SRP-6a group constants against docs/protocol.md#srp-group, and the byte-form helpers.</summary>
public sealed class Sec2GroupTests
{
    [Fact]
    public void Constants_MatchProtocolDocument()
    {
        Assert.Equal(384, Srp6aGroup.NBytes.Length);
        Assert.Equal(3072, (int)Srp6aGroup.N.GetBitLength());
        Assert.Equal(
            Convert.FromHexString("a9c2e2559bf0ebb53f0cbbf62282906bede7f2182f00678211fbd5bde5b285033a4993503b87397f9be5ec02080fedbc0835587ad039060879b8621e8c3659e0"),
            Srp6a.ToMinimalBytes(Srp6aGroup.K));
        Assert.Equal(
            Convert.FromHexString("dad76ed5365ed7bf6bbc1bfa050981458392bbd35a50335d03db3c7535b261d1c902f2ffb8647125bd28ce966c066d5be9b939216c6078b65889299c61624694"),
            Srp6aGroup.HashNXorHashG.ToArray());
    }

    [Fact]
    public void Pad_LeftFillsTo384Bytes_AndMinimalBytesDropLeadingZeros()
    {
        var padded = Srp6a.Pad(new BigInteger(0x0102));
        Assert.Equal(384, padded.Length);
        Assert.All(padded[..382], b => Assert.Equal(0, b));
        Assert.Equal([1, 2], padded[382..]);
        Assert.Equal([1, 2], Srp6a.ToMinimalBytes(Srp6a.ToInteger([0, 0, 1, 2])));
        Assert.Throws<ArgumentOutOfRangeException>(() => Srp6a.Pad(Srp6aGroup.N << 8));
    }

    [Fact]
    public void ModPow_NormalisesNegativeBases()
    {
        // (B − k·v) is negative whenever k·v > B; BigInteger.ModPow alone would return a negative result.
        var negative = -Srp6aGroup.N + 3;
        Assert.True(BigInteger.ModPow(negative, 3, Srp6aGroup.N).Sign < 0);
        Assert.Equal(new BigInteger(27), Srp6a.ModPow(negative, 3));
        Assert.Equal(Srp6aGroup.N - 1, Srp6a.Mod(-1));
    }
}
