using EspProv.Security.Primitives;

namespace EspProv.Tests.Security;

/// <summary>AES-CMAC against RFC 4493's examples (section 4: empty, one block, 40 bytes, four blocks).</summary>
public sealed class AesCmacTests
{
    private const string Message =
        "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710";

    [Theory]
    [InlineData(0, "bb1d6929e95937287fa37d129b756746")]
    [InlineData(16, "070a16b46b4d4144f79bdd9dd04a287c")]
    [InlineData(40, "dfa66747de9ae63030ca32611497c827")]
    [InlineData(64, "51f0bebf7e3b9d92fc49741779363cfe")]
    public void Rfc4493_Examples(int length, string expected)
    {
        var key = Convert.FromHexString("2b7e151628aed2a6abf7158809cf4f3c");
        var message = Convert.FromHexString(Message)[..length];
        Assert.Equal(expected, Convert.ToHexStringLower(AesCmac.Compute(key, message)));
    }

    [Fact]
    public void KeyOfAWrongSize_IsRefused() =>
        Assert.Throws<ArgumentException>(() => AesCmac.Compute(new byte[15], []));
}
