using System.Diagnostics.CodeAnalysis;
using EspProv.Protocol;
using Google.Protobuf;

namespace EspProv.Device.Security;

/// <summary>Decoding of <c>prov-session</c> requests shared by the device-side schemes.</summary>
internal static class DeviceSessionMessages
{
    /// <summary>
    /// Decodes a request that must carry <paramref name="scheme"/>'s payload; false (a protocol failure: the device closes
    /// the connection) for anything else.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> request, SecSchemeVersion scheme, SessionData.ProtoOneofCase payload, [NotNullWhen(true)] out SessionData? data)
    {
        try
        {
            data = SessionData.Parser.ParseFrom(request);
        }
        catch (InvalidProtocolBufferException)
        {
            data = null;
            return false;
        }

        if (data.SecVer != scheme || data.ProtoCase != payload)
        {
            data = null;
            return false;
        }

        return true;
    }
}
