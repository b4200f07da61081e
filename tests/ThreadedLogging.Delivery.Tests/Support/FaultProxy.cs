using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ThreadedLogging.Delivery.Tests.Support;

/// <summary>What the proxy does with one request.</summary>
public enum Fault
{
    /// <summary>Forward to the collector and return its answer.</summary>
    None,

    /// <summary>Answer 500 without forwarding.</summary>
    ServerError,

    /// <summary>Answer 429 with <c>Retry-After: 1</c> without forwarding.</summary>
    TooManyRequests,

    /// <summary>Forward (the collector commits), then drop the connection: the answer is lost.</summary>
    LoseResponse,

    /// <summary>Accept and never answer (until the client gives up).</summary>
    BlackHole,
}

/// <summary>
/// A real HTTP proxy on 127.0.0.1 in front of the collector that injects faults no real server makes
/// on demand: <see cref="Decide"/> picks the fault for the n-th request (0-based).
/// </summary>
public sealed class FaultProxy : IAsyncDisposable
{
    private static readonly string[] ForwardedHeaders = ["Content-Type", "Content-Encoding", "Idempotency-Key", "X-Api-Key", "Authorization"];
    private readonly WebApplication _app;
    private readonly HttpClient _upstream;
    private int _requests;

    private FaultProxy(WebApplication app, string target)
    {
        _app = app;
        _upstream = new HttpClient { BaseAddress = new Uri($"http://{target}") };
    }

    public Func<int, Fault> Decide { get; set; } = _ => Fault.None;

    public string Host { get; private set; } = "";

    public int Requests => Volatile.Read(ref _requests);

    public List<Fault> Applied { get; } = [];

    public static async Task<FaultProxy> StartAsync(string target)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var proxy = new FaultProxy(app, target);
        app.Run(proxy.HandleAsync);
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        proxy.Host = $"{address.Host}:{address.Port}";
        return proxy;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var n = Interlocked.Increment(ref _requests) - 1;
        var fault = Decide(n);
        lock (Applied)
        {
            Applied.Add(fault);
        }

        switch (fault)
        {
            case Fault.ServerError:
                context.Response.StatusCode = 500;
                return;
            case Fault.TooManyRequests:
                context.Response.StatusCode = 429;
                context.Response.Headers.RetryAfter = "1";
                return;
            case Fault.BlackHole:
                await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
                return;
        }

        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), context.Request.Path + context.Request.QueryString)
        {
            Content = new ByteArrayContent(body.ToArray()),
        };
        foreach (var name in ForwardedHeaders)
        {
            if (context.Request.Headers.TryGetValue(name, out var value) && !request.Headers.TryAddWithoutValidation(name, value.ToString()))
            {
                request.Content.Headers.TryAddWithoutValidation(name, value.ToString());
            }
        }

        using var response = await _upstream.SendAsync(request);
        if (fault == Fault.LoseResponse)
        {
            context.Abort(); // committed upstream; the client never hears of it
            return;
        }

        context.Response.StatusCode = (int)response.StatusCode;
        await response.Content.CopyToAsync(context.Response.Body);
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
        _upstream.Dispose();
    }
}
