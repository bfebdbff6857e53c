using System.Net;
using System.Net.Sockets;
using EspProv.Exceptions;
using Google.Protobuf;

namespace EspProv.Provisioning;

/// <summary>
/// Strict checks on device replies, so a garbled answer (security 1's CTR stream is malleable and carries no tag) is
/// never taken for success: the bytes must decode completely, carry no field the protocol does not define
/// (docs/protocol.md#messages: firmware emits only those), be in the one canonical encoding protobuf-c produces
/// (docs/protocol.md#encoding-rules), and the values must be in range. Message type, oneof case and status are checked
/// by the callers.
/// </summary>
internal static class ReplyValidation
{
    /// <summary>Longest SSID a device reports (802.11: 32 bytes).</summary>
    public const int MaxSsidBytes = 32;

    /// <summary>Highest Wi-Fi channel number (5 GHz band).</summary>
    public const int MaxChannel = 196;

    public static T Parse<T>(ProvisioningStep step, string endpoint, MessageParser<T> parser, ReadOnlySpan<byte> bytes)
        where T : IMessage<T>, IEquatable<T>
    {
        T message;
        T known;
        try
        {
            message = parser.ParseFrom(bytes);
            known = parser.WithDiscardUnknownFields(true).ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new InvalidResponseException(step, endpoint, $"/{endpoint}: the device's reply is not a valid {typeof(T).Name} message (garbled?)", ex);
        }

        // Generated Equals compares the unknown-field sets too: a difference means fields firmware never sends.
        if (!message.Equals(known))
        {
            throw new InvalidResponseException(step, endpoint, $"/{endpoint}: the device's {typeof(T).Name} reply carries fields the protocol does not define (garbled?)");
        }

        // Firmware's protobuf-c writes fields in number order, defaults omitted: exactly one encoding per message.
        // Anything else (reordered fields, explicit defaults, padded varints, repeated fields) did not come from
        // firmware intact; without this, a garble of 08 03 6a 00 into 6a 00 08 03 would still read as success.
        if (message.CalculateSize() != bytes.Length || !message.ToByteArray().AsSpan().SequenceEqual(bytes))
        {
            throw new InvalidResponseException(step, endpoint, $"/{endpoint}: the device's {typeof(T).Name} reply is not in the encoding firmware sends (garbled?)");
        }

        return message;
    }

    /// <summary>True for the dotted-quad IPv4 text firmware reports (<c>esp_ip4addr_ntoa</c>).</summary>
    public static bool IsIPv4(string text) =>
        text.Length is >= 7 and <= 15
        && text.All(c => c is '.' or (>= '0' and <= '9'))
        && IPAddress.TryParse(text, out var address)
        && address.AddressFamily == AddressFamily.InterNetwork
        && address.ToString() == text;
}
