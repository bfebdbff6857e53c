using EspProv.Exceptions;

namespace EspProv.Web.Bluetooth;

/// <summary>Web Bluetooth's errors (DOMException names, passed as "Name: message" by webble.js) as transport-neutral failures.</summary>
internal static class BrowserErrors
{
    public static TransportException ToTransport(string message, string endpoint, bool exchange, Exception inner)
    {
        // The JS error's first line (a stack trace may follow), without the "Error: " its conversion may add.
        var line = message.Split('\n', 2)[0].Trim();
        line = line.StartsWith("Error: ", StringComparison.Ordinal) ? line["Error: ".Length..] : line;
        var name = line.Split(':', 2)[0];
        var failure = name switch
        {
            // The user closed the chooser, or no device offers the service.
            "NotFoundError" when !exchange => TransportFailure.DeviceNotFound,
            "NotFoundError" => TransportFailure.EndpointNotFound,
            // No adapter, Bluetooth off, or the page is not allowed to use it.
            "NotAllowedError" or "SecurityError" when !exchange => TransportFailure.Unavailable,
            "NotAllowedError" or "SecurityError" => TransportFailure.SecureLinkFailed,
            // The GATT server went away: the link is lost (the device dropped it, as Bluedroid does on a protocol error).
            "NetworkError" when exchange => TransportFailure.ClosedWithoutResponse,
            "NetworkError" => TransportFailure.ConnectionRefused,
            // An ATT error reply to the write: firmware's answer to a protocol error (wrong PoP, bad message).
            "NotSupportedError" or "InvalidModificationError" when exchange => TransportFailure.ClosedWithoutResponse,
            "InvalidStateError" => TransportFailure.LinkLost,
            _ => exchange ? TransportFailure.ClosedWithoutResponse : TransportFailure.Unavailable,
        };
        var what = failure switch
        {
            TransportFailure.DeviceNotFound => "no device was picked",
            TransportFailure.ClosedWithoutResponse => "the device rejected the request without a response",
            _ => "Web Bluetooth failed",
        };
        return new TransportException(failure, endpoint, $"/{endpoint}: {what} ({line})", inner);
    }
}
