using System.Numerics;
using System.Security.Cryptography;
using CsCheck;
using EspProv.Device.Security;
using EspProv.Exceptions;
using EspProv.Protocol;
using EspProv.Provisioning;
using EspProv.Security;
using EspProv.Security.Primitives;
using Google.Protobuf;

namespace EspProv.Tests.Reliability;

/// <summary>
/// Property-based tests (CsCheck): message round trips, keystream and nonce continuity across arbitrary message
/// sequences, and that no garbled success answer is ever taken for success.
/// </summary>
public sealed class PropertyTests
{
    private const int Iterations = 300;
    private static readonly byte[] Sec0Response = [0x52, 0x05, 0x08, 0x01, 0xaa, 0x01, 0x00];

    private static readonly Gen<byte[]> Key = Gen.Byte.Array[32];

    /// <summary>Counter blocks, biased towards the 128-bit wrap-around.</summary>
    private static readonly Gen<byte[]> CounterBlock = Gen.OneOf(
        Gen.Byte.Array[16],
        Gen.Byte[0xf0, 0xff].Select(low => Enumerable.Repeat((byte)0xff, 15).Append(low).ToArray()));

    [Fact]
    public void Ctr_AnySplitOfTheStream_EqualsTheReferenceKeystream()
    {
        Gen.Select(Key, CounterBlock, Gen.Int[0, 70].Array[1, 12]).Sample((key, iv, pieces) =>
        {
            var total = pieces.Sum();
            var data = new byte[total];
            RandomNumberGenerator.Fill(data);
            using var ctr = new AesCtrStream(key, iv);
            var output = new List<byte>();
            var offset = 0;
            foreach (var piece in pieces)
            {
                output.AddRange(ctr.Transform(data.AsSpan(offset, piece)));
                offset += piece;
            }

            Assert.Equal(Xor(data, ReferenceKeystream(key, iv, total)), output.ToArray());
            Assert.Equal(total, ctr.Position);
        }, iter: Iterations);
    }

    [Fact]
    public void Ctr_ClientAndDevice_StayInStep_OverAnyExchangeSequence()
    {
        // Security 1: one stream per side, shared by both directions, in processing order (request 1, answer 1, ...).
        Gen.Select(Key, CounterBlock, Gen.Select(Gen.Int[1, 80], Gen.Int[1, 80]).Array[1, 10]).Sample((key, iv, exchanges) =>
        {
            using var client = new AesCtrStream(key, iv);
            using var device = new AesCtrStream(key, iv);
            foreach (var (requestLength, answerLength) in exchanges)
            {
                var request = RandomNumberGenerator.GetBytes(requestLength);
                Assert.Equal(request, device.Transform(client.Transform(request)));
                var answer = RandomNumberGenerator.GetBytes(answerLength);
                Assert.Equal(answer, client.Transform(device.Transform(answer)));
            }

            Assert.Equal(client.Position, device.Position);
        }, iter: Iterations);
    }

    [Fact]
    public void Gcm_Patch1_CounterAdvancesByOnePerOperation_AndAnyGarbleIsDetected()
    {
        var gen = Gen.Select(Key, Gen.Byte.Array[8], Gen.Int[0, 60].Array[1, 8], Gen.Int[0, 7], Gen.Int[0, 1000], Gen.Byte[1, 255]);
        gen.Sample((key, sessionId, lengths, garbleAt, position, mask) =>
        {
            var nonce = sessionId.Concat(new byte[] { 0, 0, 0, 1 }).ToArray();
            using var client = GcmSessionCipher.CreateCounter(key, nonce, advanceOnFailedDecrypt: true);
            using var device = GcmSessionCipher.CreateCounter(key, nonce, advanceOnFailedDecrypt: false);
            for (var i = 0; i < lengths.Length; i++)
            {
                Assert.Equal((uint)(1 + (2 * i)), client.Counter);
                var request = RandomNumberGenerator.GetBytes(lengths[i]);
                Assert.True(device.TryDecrypt(client.Encrypt(request), out var received));
                Assert.Equal(request, received);
                var answer = device.Encrypt(RandomNumberGenerator.GetBytes(lengths[i] + 1));
                if (i == garbleAt % lengths.Length)
                {
                    answer[position % answer.Length] ^= mask;
                    Assert.False(client.TryDecrypt(answer, out _));
                    return; // the flow drops the session here: never another message on it
                }

                Assert.True(client.TryDecrypt(answer, out _));
                Assert.Equal(client.Counter, device.Counter);
            }
        }, iter: Iterations);
    }

    [Fact]
    public void Sec2_ClientAndDevice_Handshake_ThenAnySequenceDecrypts_AndGarbleIsRejected()
    {
        var device = DeviceSecurity2.FromPassword("wifiprov", "abcd1234", patchVersion: 1);
        var client = new Security2("wifiprov", "abcd1234", 1);
        Gen.Select(Gen.Int[1, 120].Array[1, 5], Gen.Byte[1, 255]).Sample((lengths, mask) =>
        {
            using var clientSession = client.CreateSession();
            using var deviceSession = device.CreateSession();
            var request = clientSession.CreateFirstRequest();
            var next = request;
            while (next is not null)
            {
                next = clientSession.HandleResponse(deviceSession.HandleSessionRequest(next)!);
            }

            Assert.True(clientSession.IsEstablished && deviceSession.IsEstablished);
            foreach (var length in lengths)
            {
                var plain = RandomNumberGenerator.GetBytes(length);
                Assert.True(deviceSession.TryDecrypt(clientSession.Encrypt(plain), out var atDevice));
                Assert.Equal(plain, atDevice);
                var answer = deviceSession.Encrypt(plain);
                Assert.True(clientSession.TryDecrypt(answer, out var atClient));
                Assert.Equal(plain, atClient);
            }

            var last = deviceSession.Encrypt([0x08, 0x03, 0x6a, 0x00]);
            last[^1] ^= mask;
            Assert.False(clientSession.TryDecrypt(last, out _));
        }, iter: 8); // each handshake is two 3072-bit exponentiations per side
    }

    [Fact]
    public async Task SetConfig_RoundTrips_AnyValidCredentials()
    {
        var ssid = Gen.Char['!', '~'].Array[1, 32].Select(c => new string(c));
        var pass = Gen.Char[' ', '~'].Array[0, 64].Select(c => new string(c));
        await Gen.Select(ssid, pass, Gen.Bool, Gen.Int[0, 196]).SampleAsync(async (s, p, withBssid, channel) =>
        {
            var bssid = withBssid ? RandomNumberGenerator.GetBytes(6) : [];
            var transport = new ScriptTransport(ScriptTransport.Reply(Sec0Response), ScriptTransport.Reply([0x08, 0x03, 0x6a, 0x00]));
            await using var client = new ProvisioningClient(transport);
            await client.EstablishSessionAsync(Security0.Instance);
            await client.SetWifiConfigAsync(new WifiCredentials(s, p, Bssid.FromBytesOrEmpty(bssid), channel));
            var sent = WiFiConfigPayload.Parser.ParseFrom(transport.Sent[1].Body);
            Assert.Equal(WiFiConfigMsgType.TypeCmdSetConfig, sent.Msg);
            Assert.Equal(s, sent.CmdSetConfig.Ssid.ToStringUtf8());
            Assert.Equal(p, sent.CmdSetConfig.Passphrase.ToStringUtf8());
            Assert.Equal(bssid, sent.CmdSetConfig.Bssid.ToByteArray());
            Assert.Equal(channel, sent.CmdSetConfig.Channel);
        }, iter: Iterations);
    }

    [Fact]
    public async Task Status_RoundTrips_AnyValidConnectedAnswer()
    {
        var ip = Gen.Byte.Array[4].Select(b => string.Join('.', b));
        var ssid = Gen.Char['!', '~'].Array[1, 32].Select(c => new string(c));
        await Gen.Select(ip, ssid, Gen.Bool, Gen.Int[0, 196], Gen.Int[0, 7]).SampleAsync(async (address, name, withBssid, channel, auth) =>
        {
            var bssid = withBssid ? RandomNumberGenerator.GetBytes(6) : [];
            var answer = new WiFiConfigPayload
            {
                Msg = WiFiConfigMsgType.TypeRespGetStatus,
                RespGetStatus = new RespGetStatus
                {
                    StaState = WifiStationState.Connected,
                    Connected = new WifiConnectedState { Ip4Addr = address, Ssid = ByteString.CopyFromUtf8(name), Bssid = ByteString.CopyFrom(bssid), Channel = channel, AuthMode = (Protocol.WifiAuthMode)auth },
                },
            }.ToByteArray();
            var transport = new ScriptTransport(ScriptTransport.Reply(Sec0Response), ScriptTransport.Reply(answer));
            await using var client = new ProvisioningClient(transport);
            await client.EstablishSessionAsync(Security0.Instance);
            var status = await client.GetWifiStatusAsync();
            Assert.Equal(WifiConnectionState.Connected, status.State);
            Assert.Equal(address, status.Connection!.IPAddress.ToString());
            Assert.Equal(name, status.Connection.Ssid);
            Assert.Equal(bssid, status.Connection.Bssid?.ToArray() ?? []);
            Assert.Equal(channel, status.Connection.Channel);
            Assert.Equal(auth, (int)status.Connection.AuthMode);
        }, iter: Iterations);
    }

    [Theory]
    [InlineData("set")]
    [InlineData("apply")]
    public async Task GarbledSuccessAnswer_IsNeverTakenForSuccess(string step)
    {
        // Security 1's CTR is malleable: a flipped ciphertext bit flips the same plaintext bit. Any non-zero XOR
        // mask over the answer, and any truncation, must end in an error, never in success.
        byte[] success = step == "set" ? [0x08, 0x03, 0x6a, 0x00] : [0x08, 0x05, 0x7a, 0x00];
        var garbles = Gen.OneOf(
            Gen.Byte.Array[4].Where(m => m.Any(b => b != 0)).Select(m => success.Select((b, i) => (byte)(b ^ m[i])).ToArray()),
            Gen.Int[0, 3].Select(n => success[..n]));
        await garbles.SampleAsync(async garbled =>
        {
            var transport = new ScriptTransport(ScriptTransport.Reply(Sec0Response), ScriptTransport.Reply(garbled));
            await using var client = new ProvisioningClient(transport);
            await client.EstablishSessionAsync(Security0.Instance);
            var ex = await Assert.ThrowsAnyAsync<ProvisioningException>(() => step == "set"
                ? client.SetWifiConfigAsync(new WifiCredentials("net", "password"))
                : client.ApplyWifiConfigAsync());
            Assert.Equal(step == "set" ? ProvisioningStep.SetConfig : ProvisioningStep.ApplyConfig, ex.Step);
        }, iter: 2000);
    }

    [Theory]
    [InlineData("6a0008 03")] // the fields of 08 03 6a 00 swapped: decodes to the same message
    [InlineData("08036a020800")] // status Success written out explicitly
    [InlineData("08036a00 7000")] // an extra field the protocol does not have
    [InlineData("088300 6a00")] // msg as a padded two-byte varint
    [InlineData("08036a00 0803")] // msg repeated
    public async Task SetConfigSuccess_InAnyOtherEncoding_IsRejected(string hex)
    {
        var transport = new ScriptTransport(ScriptTransport.Reply(Sec0Response), ScriptTransport.Reply(Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal))));
        await using var client = new ProvisioningClient(transport);
        await client.EstablishSessionAsync(Security0.Instance);
        var ex = await Assert.ThrowsAsync<InvalidResponseException>(() => client.SetWifiConfigAsync(new WifiCredentials("net", "password")));
        Assert.Equal(ProvisioningStep.SetConfig, ex.Step);
    }

    [Fact]
    public void AnyAnswerBytes_ToAnyStep_EndInSuccessOrAProvisioningException()
    {
        Gen.Select(Gen.Int[0, 255], Gen.Byte.Array[0, 80].Array[0, 4]).Sample((selector, answers) =>
        {
            var input = new List<byte> { (byte)selector };
            foreach (var a in answers)
            {
                input.Add((byte)a.Length);
                input.AddRange(a);
            }

            // Skip the loopback HTTP target here (it has its own tests); everything else runs in-process.
            if (Fuzz.Targets.ClientTargets.Names[selector % Fuzz.Targets.ClientTargets.Names.Length] != "http")
            {
                Fuzz.Targets.ClientTargets.Run(input.ToArray());
            }
        }, iter: 2000);
    }

    private static byte[] Xor(byte[] a, byte[] b) => [.. a.Select((x, i) => (byte)(x ^ b[i]))];

    /// <summary>Textbook CTR: AES-ECB of the 128-bit big-endian counter, +1 per block, mod 2^128.</summary>
    private static byte[] ReferenceKeystream(byte[] key, byte[] iv, int length)
    {
        using var aes = Aes.Create();
        aes.Key = key;
        var counter = new BigInteger(iv, isUnsigned: true, isBigEndian: true);
        var modulus = BigInteger.One << 128;
        var stream = new List<byte>();
        while (stream.Count < length)
        {
            var block = new byte[16];
            var bytes = counter.ToByteArray(isUnsigned: true, isBigEndian: true);
            bytes.CopyTo(block, 16 - bytes.Length);
            stream.AddRange(aes.EncryptEcb(block, PaddingMode.None));
            counter = (counter + 1) % modulus;
        }

        return [.. stream.Take(length)];
    }
}
