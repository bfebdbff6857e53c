using System.Reflection;
using EspProv.Device.Security;
using EspProv.Security;
using EspProv.Security.Primitives;

namespace EspProv.Tests.Reliability;

/// <summary>
/// Key material is wiped when a session or cipher ends, wherever .NET lets us (byte arrays; not BigInteger, not
/// strings: see docs/reliability.md). The fields are read by reflection on purpose: the test fails loudly if one is
/// renamed, so a refactoring cannot silently drop the wipe.
/// </summary>
public sealed class KeyMaterialTests
{
    private static readonly byte[] Key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    private static T Field<T>(object owner, string name) =>
        (T)(owner.GetType().GetField(name, BindingFlags.Instance | BindingFlags.NonPublic)
            ?? throw new MissingFieldException(owner.GetType().Name, name)).GetValue(owner)!;

    [Fact]
    public void AesCtrStream_Dispose_WipesBufferedKeystreamAndCounter()
    {
        var ctr = new AesCtrStream(Key, new byte[16]);
        _ = ctr.Transform([1, 2, 3]);
        var keystream = Field<byte[]>(ctr, "_keystream");
        var counter = Field<byte[]>(ctr, "_counter");
        Assert.Contains(keystream, b => b != 0);
        ctr.Dispose();
        Assert.All(keystream, b => Assert.Equal(0, b));
        Assert.All(counter, b => Assert.Equal(0, b));
    }

    [Fact]
    public void GcmSessionCipher_Dispose_WipesKeyAndNonce()
    {
        var cipher = GcmSessionCipher.CreateCounter(Key, new byte[12], advanceOnFailedDecrypt: false);
        var key = Field<byte[]>(cipher, "_key");
        Assert.Contains(key, b => b != 0);
        cipher.Dispose();
        Assert.All(key, b => Assert.Equal(0, b));
        Assert.All(Field<byte[]>(cipher, "_nonce"), b => Assert.Equal(0, b));
    }

    [Fact]
    public void Security2_BothSides_WipeTheSessionKeyOnDispose()
    {
        var device = DeviceSecurity2.FromPassword("wifiprov", "abcd1234").CreateSession();
        var client = new Security2("wifiprov", "abcd1234").CreateSession();
        var command1 = client.HandleResponse(device.HandleSessionRequest(client.CreateFirstRequest())!);
        var clientKey = Field<byte[]>(client, "_sessionKey");
        Assert.Contains(clientKey, b => b != 0);
        Assert.Null(client.HandleResponse(device.HandleSessionRequest(command1!)!));

        // The client wipes K as soon as the cipher holds its copy; the device when the session ends.
        Assert.All(clientKey, b => Assert.Equal(0, b));
        Assert.Null(Field<byte[]?>(client, "_sessionKey"));
        var deviceKey = Field<byte[]>(device, "_sessionKey");
        Assert.Contains(deviceKey, b => b != 0);
        var clientCipherKey = Field<byte[]>(Field<object>(client, "_cipher"), "_key");
        client.Dispose();
        device.Dispose();
        Assert.All(deviceKey, b => Assert.Equal(0, b));
        Assert.All(clientCipherKey, b => Assert.Equal(0, b));
    }

    [Fact]
    public void Security1_Client_WipesItsPrivateKeyOnceTheKeyIsDerived()
    {
        var device = new DeviceSecurity1("abcd1234").CreateSession();
        var client = new Security1("abcd1234").CreateSession();
        var command0 = client.CreateFirstRequest();
        var privateKey = Field<byte[]>(client, "_privateKey");
        Assert.Contains(privateKey, b => b != 0);
        var command1 = client.HandleResponse(device.HandleSessionRequest(command0)!);
        Assert.All(privateKey, b => Assert.Equal(0, b));
        Assert.Null(client.HandleResponse(device.HandleSessionRequest(command1!)!));
        client.Dispose();
        device.Dispose();
    }
}
