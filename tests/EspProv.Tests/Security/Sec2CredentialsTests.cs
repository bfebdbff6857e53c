using System.Numerics;
using System.Security.Cryptography;
using EspProv.Security;
using EspProv.Security.Primitives;
using EspProv.Tests.Support;

namespace EspProv.Tests.Security;

/// <summary>Salt/verifier generation and C formatting as <c>esp_prov --sec2_gen_cred</c> does them
/// (docs/protocol.md#salt-and-verifier).</summary>
public sealed class Sec2CredentialsTests
{
    // The IDF example's "dev mode" credentials (docs/protocol.md#salt-and-verifier).
    private const string ExampleSalt = "036ee0c7bcb9eda84c9eac97d93decf4";

    private const string ExampleVerifier =
        "7c7c85476508946dd636af37d7e8914378cffd616c59d2f83908127238de9e24a470261cdfa903c2b270e7b13224da11" +
        "1d9718dc607208cc9ac90c4827e2ae89aa1625b804d21a9b3a8f37f6e43a712ee127866eadce28ff5446601fb99687dc" +
        "5740a7d46cc97754dc1682f0ed356ac470ad3d90b5819470d7bc65b2d518e02ec3a5f968dd647bb8b73c9cfc00d8717e" +
        "b79a7cb1b7c2c318342932433e0099e98294e3d82ab09629b7df0e5f08334076529132009f972c896c391ec828054417" +
        "3f68028a9f4461d1f5a17e5a70d2c72381cb3868e42c20bc40577617bd08b896bc26eb32466935058c1570d91be9becc" +
        "a938a667f0ad5013197264bf52c234e21b11797472bd345bb1e2fd6673fe716474d04ebc51241940870e9240e621e72d" +
        "4e37762f2ee268c789e8321342068484534ab30c1b4c8d1c519719abae77ffdbecf0109534336bcb3e840fb9d85fb8a0" +
        "b855533e70f718f5ce7b4ebf27cecea8b3be40c5c532293e71649ede8cf675a1e6f653c831a878de5040f762de36b2ba";

    // H("wifiprov:pw69") starts with 0x00. Verifier for the example salt, computed independently in Python the esp_prov
    // way (inner hash → int → bytes, i.e. without its leading zero byte).
    private const string LeadingZeroPassword = "pw69";

    private const string LeadingZeroVerifier =
        "1c36f01c322a584eb2533b2a89545f3dff72e1552ff246f23add7a2fbea7ba52e1bf981f9ba4d4fc7944ce2690d7f4a2eb9b11c67c1515690703fb4d29bc7460" +
        "7aa5c87df03ebdb05bcd9ffc498a73ca49922fa261511f7b93b024876be2dbba60736862dfbcf8bfd5f736fd03eb8623acf31d37b816a019005d7757c0adc14c" +
        "cb5bb1f1557fff53497e2514364072403f62dbb4a6673ce08d86b93396cf094e60209fe5365011000059fc0a0c9fbfd098bc29f1e09dbda4bc7f87c8c4dd0e61" +
        "71120f92bbfe298e51218f864174006f3b636e6f13f47a92d46e46a330acbeb21e8c8e0c307f0b2b084a17e84b8c93da427e058f93b24a91a715059626729ee8" +
        "fc4593e0654722361f9e4a3119ac639315be473389c389bb101016b9a4f57767c3115ae9a2199e80a2131df918d0a2c89c6c37851e08c0d3e10718b848d68aad" +
        "987c81b108accb576a246ad46161bdc0175730c1a57dc0d71afb42418ec64e43fea3b05b3d49abad9e6304e14602c32e88ccc08b66986483384bb5266d790879";

    [Fact]
    public void ComputeVerifier_MatchesIdfExampleDevModeCredentials()
    {
        Assert.Equal(Convert.FromHexString(ExampleVerifier),
            Security2Credentials.ComputeVerifier("wifiprov", "abcd1234", Convert.FromHexString(ExampleSalt)));
    }

    [Fact]
    public void ComputeVerifier_DropsLeadingZerosOfTheInnerHash_AsEspProvDoes()
    {
        var inner = SHA512.HashData("wifiprov:pw69"u8);
        Assert.Equal(0, inner[0]);
        var salt = Convert.FromHexString(ExampleSalt);
        var verifier = Security2Credentials.ComputeVerifier("wifiprov", LeadingZeroPassword, salt);
        Assert.Equal(Convert.FromHexString(LeadingZeroVerifier), verifier);

        // The device-side C generator would hash all 64 bytes and get another verifier.
        var fullX = Srp6a.ToInteger(SHA512.HashData([.. salt, .. inner]));
        Assert.NotEqual(Srp6a.ToMinimalBytes(BigInteger.ModPow(5, fullX, Srp6aGroup.N)), verifier);
    }

    [Fact]
    public void Generate_DrawsTheSaltFromTheRandomSource_AndComputesItsVerifier()
    {
        var salt = Convert.FromHexString(ExampleSalt);
        var (generatedSalt, verifier) = Security2Credentials.Generate("wifiprov", "abcd1234", 16, new FixedRandomSource(salt));
        Assert.Equal(salt, generatedSalt);
        Assert.Equal(Convert.FromHexString(ExampleVerifier), verifier);
    }

    [Fact]
    public void Generate_DropsLeadingZeroBytesOfTheSalt_LikeBytesOfAnInteger()
    {
        byte[] drawn = [0x00, 0x00, .. Enumerable.Range(1, 14).Select(i => (byte)i)];
        var (salt, verifier) = Security2Credentials.Generate("wifiprov", "abcd1234", 16, new FixedRandomSource(drawn));
        Assert.Equal(drawn[2..], salt);
        Assert.Equal(Security2Credentials.ComputeVerifier("wifiprov", "abcd1234", salt), verifier);
    }

    [Fact]
    public void Generate_WithTheOsRandom_GivesCredentialsADeviceAccepts()
    {
        var (salt, verifier) = Security2Credentials.Generate("user", "pass", 32);
        Assert.InRange(salt.Length, 1, 32);
        Assert.NotEqual(0, salt[0]);
        Assert.Equal(Security2Credentials.ComputeVerifier("user", "pass", salt), verifier);
        Assert.Throws<ArgumentOutOfRangeException>(() => Security2Credentials.Generate("user", "pass", 0));
        Assert.Throws<ArgumentException>(() => Security2Credentials.Generate("", "pass"));
    }

    [Fact]
    public void FormatForFirmware_PrintsTheArraysExactlyAsEspProv()
    {
        var salt = Convert.FromHexString(ExampleSalt);
        var verifier = Convert.FromHexString(ExampleVerifier);
        var text = Security2Credentials.FormatForFirmware(salt, verifier);

        const string expectedSalt =
            "static const char sec2_salt[] = {\n" +
            "    0x03, 0x6e, 0xe0, 0xc7, 0xbc, 0xb9, 0xed, 0xa8, 0x4c, 0x9e, 0xac, 0x97, 0xd9, 0x3d, 0xec, 0xf4\n" +
            "};\n\n";
        Assert.StartsWith(expectedSalt, text, StringComparison.Ordinal);

        var verifierPart = text[expectedSalt.Length..];
        var lines = verifierPart.Split('\n');
        Assert.Equal("static const char sec2_verifier[] = {", lines[0]);

        // Python slices the joined text every 96 characters: 16 bytes a line, each cut line keeping its ", ".
        Assert.Equal("    0x7c, 0x7c, 0x85, 0x47, 0x65, 0x08, 0x94, 0x6d, 0xd6, 0x36, 0xaf, 0x37, 0xd7, 0xe8, 0x91, 0x43, ", lines[1]);
        Assert.Equal("    0x78, 0xcf, 0xfd, 0x61, 0x6c, 0x59, 0xd2, 0xf8, 0x39, 0x08, 0x12, 0x72, 0x38, 0xde, 0x9e, 0x24, ", lines[2]);
        Assert.Equal("    0xb8, 0x55, 0x53, 0x3e, 0x70, 0xf7, 0x18, 0xf5, 0xce, 0x7b, 0x4e, 0xbf, 0x27, 0xce, 0xce, 0xa8, ", lines[22]);
        Assert.Equal("    0xe6, 0xf6, 0x53, 0xc8, 0x31, 0xa8, 0x78, 0xde, 0x50, 0x40, 0xf7, 0x62, 0xde, 0x36, 0xb2, 0xba", lines[24]);
        Assert.All(lines[1..24], line => Assert.Equal(100, line.Length));
        Assert.Equal(["};", "", ""], lines[25..]);

        var bytes = string.Concat(lines[1..25]).Replace(" ", "", StringComparison.Ordinal).Split(',')
            .Select(h => Convert.ToByte(h, 16)).ToArray();
        Assert.Equal(verifier, bytes);
    }

    [Fact]
    public void FormatForFirmware_WrapsAShortLastLine()
    {
        byte[] salt = [.. Enumerable.Range(1, 18).Select(i => (byte)i)];
        var text = Security2Credentials.FormatForFirmware(salt, [0xab]);
        Assert.Equal(
            "static const char sec2_salt[] = {\n" +
            "    0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, \n" +
            "    0x11, 0x12\n" +
            "};\n\n" +
            "static const char sec2_verifier[] = {\n" +
            "    0xab\n" +
            "};\n\n",
            text);
    }
}
