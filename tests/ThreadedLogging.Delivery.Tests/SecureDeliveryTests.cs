using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using ThreadedLogging.Delivery.Tests.Support;
using ThreadedLogging.Testing;

namespace ThreadedLogging.Delivery.Tests;

/// <summary>
/// The real client over https (<c>Secure</c>) into a real Kestrel that presents a certificate of its own, trusted by the
/// client process through <c>SSL_CERT_FILE</c> (the root store .NET reads on Linux, as an operator's CA would be), directly
/// and through a real proxy's tunnel (tinyproxy's CONNECT): every event arrives once. The https connection's stream is
/// watched while its handshakes run (<c>HandshakeWatch</c>, for a stall before the request) and then passes its bytes on.
/// </summary>
public sealed class SecureDeliveryTests
{
    private const int Logged = 200;

    [Theory(Timeout = 120_000)]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Send_OverHttps_EveryEventArrivesOnce(bool throughProxy)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        using var directory = new TempDirectory();
        var trusted = Path.Combine(directory.Path, "ca.pem");
        await File.WriteAllTextAsync(trusted, certificate.ExportCertificatePem());

        var received = new int[Logged];
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate)));
        await using var app = builder.Build();
        app.MapPost("/log/{user}", async (HttpRequest posted) =>
        {
            using var document = await JsonDocument.ParseAsync(posted.Body);
            foreach (var item in document.RootElement.GetProperty("events").EnumerateArray())
            {
                if (item.GetProperty("properties").TryGetProperty("N", out var n))
                {
                    Interlocked.Increment(ref received[n.GetInt32()]);
                }
            }

            return Results.Ok();
        });
        await app.StartAsync();
        var port = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
        await using var proxy = throughProxy ? await TinyProxy.StartAsync() : null;

        string[] args = [$"127.0.0.1:{port}", "secure", "0", Logged.ToString(System.Globalization.CultureInfo.InvariantCulture), "--secure", .. proxy is null ? Array.Empty<string>() : ["--proxy", $"http://127.0.0.1:{proxy.Port}"]];
        await using var client = ChildProcess.Start(new Dictionary<string, string> { ["SSL_CERT_FILE"] = trusted }, "tests/ThreadedLogging.FaultClient", "ThreadedLogging.FaultClient", args);
        var done = await client.WaitForLineAsync("done");
        Assert.Equal(0, await client.WaitForExitAsync());

        Assert.Contains("flushed=True", done, StringComparison.Ordinal);
        Assert.Contains($"Sent = {Logged},", done, StringComparison.Ordinal);
        Assert.All(received, count => Assert.Equal(1, count));
        if (proxy is not null)
        {
            await proxy.LineAsync($"CONNECT 127.0.0.1:{port}"); // through the tunnel, not around it
        }
    }
}
