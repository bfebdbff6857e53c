using System.Globalization;
using System.Text;

namespace EspProv.Device.Hosting;

/// <summary>Responses byte for byte as esp_http_server sends them: no Date, no Server, no Connection header.</summary>
internal static class ErrorResponses
{
    public static byte[] Success(byte[] body, string? setCookie)
    {
        Span<byte> head = stackalloc byte[160];
        var written = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: "u8.Length;
        "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: "u8.CopyTo(head);
        body.Length.TryFormat(head[written..], out var digits, provider: CultureInfo.InvariantCulture);
        written += digits;
        if (setCookie is not null)
        {
            // The cookie is the device's own "session=<number>": short ASCII.
            "\r\nSet-Cookie: "u8.CopyTo(head[written..]);
            written += "\r\nSet-Cookie: "u8.Length;
            written += Encoding.ASCII.GetBytes(setCookie, head[written..]);
        }

        "\r\n\r\n"u8.CopyTo(head[written..]);
        written += 4;
        return [.. head[..written], .. body];
    }

    /// <summary><c>httpd_resp_send_err</c>: status line, text/html, the server's short message.</summary>
    public static byte[] Error(int status, out int bodyLength)
    {
        var (line, message) = status switch
        {
            400 => ("400 Bad Request", "Server unable to understand request due to invalid syntax"),
            404 => ("404 Not Found", "This URI does not exist"),
            405 => ("405 Method Not Allowed", "Request method for this URI is not handled by server"),
            408 => ("408 Request Timeout", "Server closed this connection"),
            414 => ("414 URI Too Long", "URI is too long for server to interpret"),
            431 => ("431 Request Header Fields Too Large", "Header fields are too long for server to interpret"),
            505 => ("505 Version Not Supported", "HTTP version not supported by server"),
            500 => ("500 Internal Server Error", "Server has encountered an unexpected error"),
            _ => (status.ToString(CultureInfo.InvariantCulture) + " Error", "Simulated error"),
        };
        var body = Encoding.ASCII.GetBytes(message);
        bodyLength = body.Length;
        return Concat(
            "HTTP/1.1 " + line + "\r\nContent-Type: text/html\r\nContent-Length: " + body.Length.ToString(CultureInfo.InvariantCulture) + "\r\n\r\n",
            body);
    }

    private static byte[] Concat(string head, byte[] body)
    {
        var bytes = new byte[Encoding.ASCII.GetByteCount(head) + body.Length];
        var n = Encoding.ASCII.GetBytes(head, bytes);
        body.CopyTo(bytes, n);
        return bytes;
    }
}
