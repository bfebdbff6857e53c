using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EspProv.Exceptions;
using EspProv.Tests.Support;
using EspProv.Transport;
using EspProv.Transport.Http;

namespace EspProv.Tests.Transport;

/// <summary>https:// endpoints (firmware with its own HTTPS server) with a CA given explicitly.</summary>
public sealed class HttpsTransportTests
{
    private static X509Certificate2 CreateCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pfx), null);
    }

    private static async Task ServeOnceAsync(TcpListener listener, X509Certificate2 cert)
    {
        using var client = await listener.AcceptTcpClientAsync();
        await using var ssl = new SslStream(client.GetStream());
        try
        {
            await ssl.AuthenticateAsServerAsync(cert);
            if (await new HttpMessageReader(ssl).ReadAsync(isRequest: true, TimeSpan.FromSeconds(10)) is null)
            {
                return;
            }

            await ssl.WriteAsync(HttpFraming.Response(200, "OK", "V0.1"));
            await ssl.FlushAsync();
        }
        catch (Exception ex) when (ex is IOException or System.Security.Authentication.AuthenticationException)
        {
            // The client rejected our certificate (with TLS 1.3 the server learns it only on its first read).
        }
    }

    [Fact]
    public async Task Https_WithTrustedCa_Works_WithoutIt_FailsAsTls()
    {
        using var cert = CreateCertificate();
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            var address = DeviceAddress.Parse($"https://127.0.0.1:{port}");

            var server = ServeOnceAsync(listener, cert);
            using var publicOnly = X509CertificateLoader.LoadCertificate(cert.RawData);
            await using (var trusted = new HttpTransport(address, new HttpTransportOptions { TrustedRootCertificates = [publicOnly] }))
            {
                Assert.Equal("V0.1"u8.ToArray(), await trusted.SendAsync("proto-ver", "x"u8.ToArray()));
            }

            await server;
            server = ServeOnceAsync(listener, cert);
            await using (var untrusted = new HttpTransport(address))
            {
                var ex = await Assert.ThrowsAnyAsync<TransportException>(() => untrusted.SendAsync("proto-ver", "x"u8.ToArray()));
                Assert.Equal(TransportFailure.SecureLinkFailed, ex.Failure);
            }

            await server;
        }
        finally
        {
            listener.Stop();
        }
    }
}
