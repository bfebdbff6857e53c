using System.Security.Cryptography;
using EspProv.Device.Security;
using EspProv.Security;

namespace EspProv.Tests.Security;

/// <summary>Our client against our device with fresh random keys, for both GCM variants.</summary>
public sealed class Sec2RoundTripTests
{
    public static TheoryData<int> Patches => new() { 1, 0 };

    private static (ISecuritySession Client, IDeviceSecuritySession Device) Establish(string username, string password, int patch)
    {
        var device = DeviceSecurity2.FromPassword(username, password, patch).CreateSession();
        var client = new Security2(username, password, patch).CreateSession();
        var request = client.CreateFirstRequest();
        while (true)
        {
            var response = device.HandleSessionRequest(request);
            Assert.NotNull(response);
            var next = client.HandleResponse(response);
            if (next is null)
            {
                break;
            }

            request = next;
        }

        Assert.True(client.IsEstablished);
        Assert.True(device.IsEstablished);
        return (client, device);
    }

    [Theory]
    [MemberData(nameof(Patches))]
    public void ClientAndDevice_ExchangeMessagesBothWays(int patch)
    {
        var (client, device) = Establish("wifiprov", "correct horse", patch);
        using (client)
        using (device)
        {
            for (var i = 0; i < 6; i++)
            {
                var request = RandomNumberGenerator.GetBytes(i * 37);
                var body = client.Encrypt(request);
                Assert.Equal(request.Length + 16, body.Length);
                Assert.True(device.TryDecrypt(body, out var received));
                Assert.Equal(request, received);

                var reply = RandomNumberGenerator.GetBytes(5 + i);
                Assert.True(client.TryDecrypt(device.Encrypt(reply), out var decrypted));
                Assert.Equal(reply, decrypted);
            }
        }
    }

    [Fact]
    public void Patch1_CounterAdvancesOnEveryOperation_OnBothSides()
    {
        var (client, device) = Establish("wifiprov", "abcd1234", 1);
        using (client)
        using (device)
        {
            var clientSession = Assert.IsType<Security2Session>(client);
            var deviceSession = Assert.IsType<DeviceSecurity2Session>(device);
            Assert.Equal(1u, clientSession.NonceCounter);
            Assert.Equal(1u, deviceSession.NonceCounter);
            for (uint c = 1; c < 9; c += 2)
            {
                // Request uses c, its response c + 1.
                Assert.True(device.TryDecrypt(client.Encrypt([1, 2, 3]), out _));
                Assert.Equal(c + 1, clientSession.NonceCounter);
                Assert.Equal(c + 1, deviceSession.NonceCounter);
                Assert.True(client.TryDecrypt(device.Encrypt([4]), out _));
                Assert.Equal(c + 2, clientSession.NonceCounter);
                Assert.Equal(c + 2, deviceSession.NonceCounter);
            }

            // A replayed request (old counter) is refused and leaves the device's counter alone.
            var body = client.Encrypt([9]);
            Assert.True(device.TryDecrypt(body, out _));
            Assert.False(device.TryDecrypt(body, out _));
            Assert.Equal(clientSession.NonceCounter, deviceSession.NonceCounter);
        }
    }

    [Fact]
    public void Patch0_SameBodyForSamePlaintext_InBothDirections()
    {
        var (client, device) = Establish("wifiprov", "abcd1234", 0);
        using (client)
        using (device)
        {
            var first = client.Encrypt([0x52, 0x00]);
            Assert.Equal(first, client.Encrypt([0x52, 0x00]));
            Assert.Equal(first, device.Encrypt([0x52, 0x00]));
            Assert.Null(Assert.IsType<Security2Session>(client).NonceCounter);
        }
    }

    [Theory]
    [MemberData(nameof(Patches))]
    public void WrongPassword_DeviceClosesAtCommand1(int patch)
    {
        using var device = DeviceSecurity2.FromPassword("wifiprov", "abcd1234", patch).CreateSession();
        using var client = new Security2("wifiprov", "abcd12345", patch).CreateSession();
        var command1 = client.HandleResponse(device.HandleSessionRequest(client.CreateFirstRequest())!);
        Assert.NotNull(command1);
        Assert.Null(device.HandleSessionRequest(command1));
        Assert.Equal(EspProv.Security.HandshakeStage.Command1, client.Stage);
        Assert.Equal("wrong username or password?", client.CredentialHint);
    }

    [Theory]
    [MemberData(nameof(Patches))]
    public void ManySessions_AllEstablish(int patch)
    {
        // Random a, b and salts: exercises the minimal-B and padded-A paths across many draws.
        for (var i = 0; i < 8; i++)
        {
            var (client, device) = Establish($"user{i}", $"password{i}", patch);
            using (client)
            using (device)
            {
                Assert.True(device.TryDecrypt(client.Encrypt([(byte)i]), out var plain));
                Assert.Equal([(byte)i], plain);
            }
        }
    }
}
