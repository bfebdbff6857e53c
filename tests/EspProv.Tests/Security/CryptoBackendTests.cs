using EspProv.Security;
using EspProv.Security.Primitives;
using EspProv.Tests.Vectors;
using Org.BouncyCastle.Crypto.Engines;

namespace EspProv.Tests.Security;

/// <summary>
/// Every crypto back-end (docs/design.md, "Crypto back-ends") reproduces Espressif's vectors byte for byte and passes
/// the cipher tests: the platform's primitives (the library's default), BouncyCastle's AES-NI engine (what the CLI
/// picks on x64) and BouncyCastle's portable engine (the path of a CPU without AES instructions, ARM64), forced here so
/// CI runs it on any machine.
/// </summary>
public sealed class CryptoBackendTests
{
    public static TheoryData<string> Backends => new() { nameof(CryptoBackend.Platform), nameof(CryptoBackend.BouncyCastleAesNi), nameof(CryptoBackend.BouncyCastlePortable) };

    private static IEnumerable<string> Files(TheoryData<string> data) => ((IEnumerable<object[]>)data).Select(row => (string)row[0]);

    private static IDisposable Use(string backend) => CryptoBackends.Use(Enum.Parse<CryptoBackend>(backend));

    [Theory]
    [MemberData(nameof(Backends))]
    public void Security0And1_Vectors_ReproduceByteForByte(string backend)
    {
        using var scope = Use(backend);
        var tests = new ClientVectorTests();
        foreach (var file in Files(ClientVectorTests.Sec1Files))
        {
            tests.Sec1_ClientReproducesVector(file);
            tests.Sec1_KeyDerivationMatchesVector(file);
            tests.Sec1_WrongPop_ProducesVectorsCommand1(file);
        }

        foreach (var file in Files(ClientVectorTests.Sec0Files))
        {
            tests.Sec0_ClientReproducesVector(file);
        }
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Security2_Vectors_ReproduceByteForByte_BothPatchVersions(string backend)
    {
        using var scope = Use(backend);
        var tests = new Sec2VectorTests();
        foreach (var file in Files(Sec2VectorTests.Files))
        {
            tests.Client_ReproducesVector_SessionAndEveryApplicationMessage(file);
            tests.Device_ReproducesVector_SessionAndEveryApplicationMessage(file);
            tests.SrpValues_MatchVector(file);
            tests.WrongPassword_ClientProducesVectorsCommand1_AndHintsAtCredentials(file);
            tests.WrongPassword_DeviceRejectsVectorsCommand1(file);
            tests.Client_RejectsTamperedDeviceProof(file);
        }
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void CipherTests_Pass(string backend)
    {
        using var scope = Use(backend);
        var ctr = new AesCtrStreamTests();
        ctr.Stream_IsByteGranular_AcrossCalls([15, 1, 17, 300]);
        ctr.Counter_IsWhole128BitBigEndian_AndWraps();
        ctr.LowWordCarry_PropagatesToHighWord();
        ctr.EncryptThenDecrypt_WithTwoStreams_RoundTrips();

        var gcm = new Sec2GcmTests();
        gcm.Patch1_EveryOperationUsesTheNextCounter();
        gcm.Patch1_RefusesToOperateOnceTheCounterWrapsToZero();
        gcm.Patch1_FailedDecryption_AdvancesOnlyWhenAsked(false);
        gcm.Patch1_FailedDecryption_AdvancesOnlyWhenAsked(true);
        gcm.Patch0_UsesTheSameIvForEveryMessage_WithGhashDerivedJ0();
        foreach (var patch in new[] { 0, 1 })
        {
            gcm.TamperedResponse_ClientTryDecryptReturnsFalse(patch);
            gcm.TamperedRequest_DeviceTryDecryptReturnsFalse_AndPatch1CounterDoesNotMove(patch);
        }
    }

    [Fact]
    public void Backends_AreWhatTheyClaim()
    {
        Assert.False(EspProvCrypto.PreferManagedEngines); // the library's default: the platform's primitives
        Assert.Equal(CryptoBackend.Platform, CryptoBackends.Current);
        Assert.IsType<AesEngine>(CryptoBackends.CreateAesEngine(CryptoBackend.BouncyCastlePortable));
        using (CryptoBackends.Use(CryptoBackend.BouncyCastlePortable))
        {
            Assert.Equal(CryptoBackend.BouncyCastlePortable, CryptoBackends.Current);
            Assert.True(CryptoBackends.AvoidsPlatformLibrary);
        }

        Assert.Equal(CryptoBackend.Platform, CryptoBackends.Current);
        if (System.Runtime.Intrinsics.X86.Aes.IsSupported)
        {
            Assert.IsNotType<AesEngine>(CryptoBackends.CreateAesEngine(CryptoBackend.BouncyCastleAesNi));
        }
    }
}
