using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace ThreadedLogging.Collector.Tests.Support;

/// <summary>
/// A webhook on loopback (a real Kestrel): keeps every request's path, headers and JSON body, and answers each with the
/// next of the statuses it was given (then 200). A 3xx sends the client to <see cref="RedirectPath"/> on this receiver,
/// which answers any method with 200 (and keeps the request): a client that follows redirects is seen there.
/// <see cref="StartHttpsAsync"/> is the same receiver over TLS with the certificate it is given.
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<int> _answers;

    private WebhookReceiver(WebApplication app, IEnumerable<int> answers)
    {
        _app = app;
        _answers = new ConcurrentQueue<int>(answers);
    }

    /// <summary>An answer that never comes: the request is held until the client closes it.</summary>
    public const int NoAnswer = 0;

    /// <summary>Where a 3xx answer sends the client (its <c>Location</c>, on this receiver).</summary>
    public const string RedirectPath = "/redirected";

    /// <summary>Gets the requests received, in order.</summary>
    public ConcurrentQueue<(string PathAndQuery, IHeaderDictionary Headers, JsonElement Body, int Answer)> Requests { get; } = new();

    /// <summary>Gets the receiver's base address, <c>http://127.0.0.1:port</c> (<c>https://</c> for <see cref="StartHttpsAsync"/>).</summary>
    public string BaseAddress => _app.Urls.Single();

    /// <summary>Gets the bodies answered with a 2xx: the notifications delivered.</summary>
    public List<JsonElement> Delivered => [.. Requests.Where(r => r.Answer is >= 200 and < 300).Select(r => r.Body)];

    /// <summary>Gets the port it listens on.</summary>
    public int Port => new Uri(BaseAddress).Port;

    public static Task<WebhookReceiver> StartAsync(params int[] answers) => StartAsync(null, answers);

    /// <summary>Starts the receiver on <c>https://127.0.0.1:0</c>, presenting <paramref name="certificate"/> (with its private key).</summary>
    public static Task<WebhookReceiver> StartHttpsAsync(X509Certificate2 certificate, params int[] answers) => StartHttpsAsync(certificate, [], answers);

    /// <summary>
    /// As <see cref="StartHttpsAsync(X509Certificate2, int[])"/>, sending <paramref name="intermediates"/> after the
    /// certificate, and only them: the receiver fetches no issuer its certificate names by URL (Kestrel's own
    /// <see cref="SslStreamCertificateContext"/> would, at start), so a chain it is not given stays incomplete.
    /// </summary>
    public static Task<WebhookReceiver> StartHttpsAsync(X509Certificate2 certificate, X509Certificate2[] intermediates, params int[] answers) =>
        StartAsync(SslStreamCertificateContext.Create(certificate, [.. intermediates], offline: true), answers);

    private static async Task<WebhookReceiver> StartAsync(SslStreamCertificateContext? tls, int[] answers)
    {
        var builder = WebApplication.CreateSlimBuilder();
        if (tls is null)
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
        }
        else
        {
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(new TlsHandshakeCallbackOptions
            {
                OnConnection = _ => ValueTask.FromResult(new SslServerAuthenticationOptions { ServerCertificateContext = tls }),
            })));
        }

        var app = builder.Build();
        var receiver = new WebhookReceiver(app, answers);
        app.MapPost("/{**path}", (Func<HttpContext, Task<IResult>>)receiver.ReceiveAsync);
        app.Map(RedirectPath, (Func<HttpContext, Task<IResult>>)receiver.RedirectedAsync);
        await app.StartAsync();
        return receiver;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private async Task<IResult> ReceiveAsync(HttpContext context)
    {
        var body = await JsonDocument.ParseAsync(context.Request.Body);
        var answer = _answers.TryDequeue(out var next) ? next : StatusCodes.Status200OK;
        Requests.Enqueue((context.Request.Path + context.Request.QueryString, new HeaderDictionary(context.Request.Headers.ToDictionary()), body.RootElement.Clone(), answer));
        if (answer == NoAnswer)
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
            return Results.Empty;
        }

        if (answer is >= 300 and < 400)
        {
            context.Response.Headers.Location = BaseAddress + RedirectPath;
        }

        return Results.StatusCode(answer);
    }

    private async Task<IResult> RedirectedAsync(HttpContext context)
    {
        var body = context.Request.ContentLength > 0 ? (await JsonDocument.ParseAsync(context.Request.Body)).RootElement.Clone() : default;
        Requests.Enqueue((context.Request.Path + context.Request.QueryString, new HeaderDictionary(context.Request.Headers.ToDictionary()), body, StatusCodes.Status200OK));
        return Results.Ok();
    }
}
