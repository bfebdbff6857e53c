using System.Globalization;
using EspProv.Protocol;
using EspProv.Provisioning;
using Google.Protobuf;

namespace EspProv.Transport.Recording;

/// <summary>
/// The whitelist of what a transcript may say about a message: for <c>proto-ver</c> the device's version answer (it is
/// public: any client can ask), for <c>prov-session</c> the scheme, message type, status and the sizes of its fields,
/// never their bytes. Encrypted endpoints are not decoded at all.
/// </summary>
public static class ExchangeDecoder
{
    /// <summary>Fields of a request body (empty for every endpoint but <c>prov-session</c>).</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> DecodeRequest(string endpoint, ReadOnlySpan<byte> body) =>
        endpoint == Endpoints.Session ? Session(body) : [];

    /// <summary>Fields of a response body: the version answer of <c>proto-ver</c>, the handshake fields of <c>prov-session</c>.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> DecodeResponse(string endpoint, ReadOnlySpan<byte> body) => endpoint switch
    {
        Endpoints.ProtoVer => Version(body),
        Endpoints.Session => Session(body),
        _ => [],
    };

    private static List<KeyValuePair<string, string>> Version(ReadOnlySpan<byte> body)
    {
        var info = DeviceVersionInfo.Parse(body);
        var fields = new List<KeyValuePair<string, string>> { new("answer", info.IsJson ? "json" : "plain"), new("ver", info.Version ?? string.Empty) };
        if (info.IsJson)
        {
            Add(fields, "sec_ver", info.SecurityVersion);
            Add(fields, "sec_patch_ver", info.SecurityPatchVersion);
            fields.Add(new("cap", string.Join(",", info.Capabilities)));
        }

        return fields;
    }

    private static List<KeyValuePair<string, string>> Session(ReadOnlySpan<byte> body)
    {
        SessionData data;
        try
        {
            data = SessionData.Parser.ParseFrom(body);
        }
        catch (InvalidProtocolBufferException)
        {
            return [new("message", "undecodable")];
        }

        var fields = new List<KeyValuePair<string, string>> { new("sec_ver", ((int)data.SecVer).ToString(CultureInfo.InvariantCulture)) };
        switch (data.ProtoCase)
        {
            case SessionData.ProtoOneofCase.Sec0:
                fields.Add(new("message", data.Sec0.Msg.ToString()));
                if (data.Sec0.Sr is { } sr0)
                {
                    fields.Add(new("status", sr0.Status.ToString()));
                }

                break;
            case SessionData.ProtoOneofCase.Sec1:
                Sec1(fields, data.Sec1);
                break;
            case SessionData.ProtoOneofCase.Sec2:
                Sec2(fields, data.Sec2);
                break;
            default:
                fields.Add(new("message", "none"));
                break;
        }

        return fields;
    }

    private static void Sec1(List<KeyValuePair<string, string>> fields, Sec1Payload p)
    {
        fields.Add(new("message", p.Msg.ToString()));
        switch (p.PayloadCase)
        {
            case Sec1Payload.PayloadOneofCase.Sc0:
                Size(fields, "client_pubkey", p.Sc0.ClientPubkey);
                break;
            case Sec1Payload.PayloadOneofCase.Sr0:
                fields.Add(new("status", p.Sr0.Status.ToString()));
                Size(fields, "device_pubkey", p.Sr0.DevicePubkey);
                Size(fields, "device_random", p.Sr0.DeviceRandom);
                break;
            case Sec1Payload.PayloadOneofCase.Sc1:
                Size(fields, "client_verify_data", p.Sc1.ClientVerifyData);
                break;
            case Sec1Payload.PayloadOneofCase.Sr1:
                fields.Add(new("status", p.Sr1.Status.ToString()));
                Size(fields, "device_verify_data", p.Sr1.DeviceVerifyData);
                break;
            default:
                break;
        }
    }

    private static void Sec2(List<KeyValuePair<string, string>> fields, Sec2Payload p)
    {
        fields.Add(new("message", p.Msg.ToString()));
        switch (p.PayloadCase)
        {
            case Sec2Payload.PayloadOneofCase.Sc0:
                // The username's length only: with the salt and the proof it narrows an offline password search.
                Size(fields, "client_username", p.Sc0.ClientUsername);
                Size(fields, "client_pubkey", p.Sc0.ClientPubkey);
                break;
            case Sec2Payload.PayloadOneofCase.Sr0:
                fields.Add(new("status", p.Sr0.Status.ToString()));
                Size(fields, "device_pubkey", p.Sr0.DevicePubkey);
                Size(fields, "device_salt", p.Sr0.DeviceSalt);
                break;
            case Sec2Payload.PayloadOneofCase.Sc1:
                Size(fields, "client_proof", p.Sc1.ClientProof);
                break;
            case Sec2Payload.PayloadOneofCase.Sr1:
                fields.Add(new("status", p.Sr1.Status.ToString()));
                Size(fields, "device_proof", p.Sr1.DeviceProof);
                Size(fields, "device_nonce", p.Sr1.DeviceNonce);
                break;
            default:
                break;
        }
    }

    private static void Size(List<KeyValuePair<string, string>> fields, string name, ByteString value) =>
        fields.Add(new(name + "_bytes", value.Length.ToString(CultureInfo.InvariantCulture)));

    private static void Add(List<KeyValuePair<string, string>> fields, string name, int? value)
    {
        if (value is { } v)
        {
            fields.Add(new(name, v.ToString(CultureInfo.InvariantCulture)));
        }
    }
}
