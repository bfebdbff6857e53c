using System.Diagnostics.CodeAnalysis;
using EspProv.Protocol;
using EspProv.Security;
using Google.Protobuf;

namespace EspProv.Device.Security;

/// <summary>
/// Device side of security 0 (docs/protocol.md#security-0): the request must decode as <c>SessionData</c> with
/// <c>sec_ver == 0</c>; the answer is always <c>52 05 08 01 aa 01 00</c>. No session state, no encryption.
/// </summary>
public sealed class DeviceSecurity0 : IDeviceSecurity
{
    /// <summary>The shared instance (stateless).</summary>
    public static DeviceSecurity0 Instance { get; } = new();

    /// <inheritdoc />
    public SecurityScheme Scheme => SecurityScheme.Sec0;

    /// <inheritdoc />
    public int? AdvertisedPatchVersion => 0;

    /// <inheritdoc />
    public string? Capability => EspProv.Provisioning.Capabilities.NoSec;

    /// <inheritdoc />
    public IDeviceSecuritySession CreateSession(DeviceFlavor flavor = DeviceFlavor.Idf) => new Session();

    private sealed class Session : IDeviceSecuritySession
    {
        // Firmware keeps no state for security 0: encrypted endpoints work even without the handshake.
        public bool IsEstablished => true;

        public byte[]? HandleSessionRequest(ReadOnlySpan<byte> request)
        {
            SessionData data;
            try
            {
                data = SessionData.Parser.ParseFrom(request);
            }
            catch (InvalidProtocolBufferException)
            {
                return null;
            }

            if (data.SecVer != SecSchemeVersion.SecScheme0)
            {
                return null;
            }

            // The device ignores the rest of the request (docs/protocol.md#security-0, step 2).
            return new SessionData
            {
                SecVer = SecSchemeVersion.SecScheme0,
                Sec0 = new Sec0Payload
                {
                    Msg = Sec0MsgType.S0SessionResponse,
                    Sr = new S0SessionResp { Status = Status.Success },
                },
            }.ToByteArray();
        }

        public bool TryDecrypt(ReadOnlySpan<byte> ciphertext, [NotNullWhen(true)] out byte[]? plaintext)
        {
            plaintext = ciphertext.ToArray();
            return true;
        }

        public byte[] Encrypt(ReadOnlySpan<byte> plaintext) => plaintext.ToArray();

        public void Dispose()
        {
        }
    }
}
