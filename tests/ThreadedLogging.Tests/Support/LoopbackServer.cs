using System.Collections.Concurrent;
using System.IO.Compression;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ThreadedLogging.Tests.Support;

/// <summary>A request as the loopback server saw it (body already un-gzipped).</summary>
public sealed record RecordedRequest(string Method, string Path, string RawQuery, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string BodyText => System.Text.Encoding.UTF8.GetString(Body);
}

/// <summary>
/// A real Kestrel server on 127.0.0.1:0 that records every request. <see cref="Respond"/> decides the
/// answer; it may await a gate (fault injection: a server that never answers). A JsonBatch handler's level polls
/// (<c>GET /api/levels/effective</c>, one at its start) are answered apart by <see cref="AnswerLevels"/> (no rules) and
/// counted in <see cref="LevelPolls"/>, never in <see cref="Requests"/>: the tests count what was sent.
/// </summary>
public sealed class LoopbackServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly SemaphoreSlim _arrived = new(0);
    private Func<RecordedRequest, bool>? _refuse;
    private int _levelPolls;

    private LoopbackServer(WebApplication app)
    {
        _app = app;
    }

    public Func<RecordedRequest, Task<IResult>> Respond { get; set; } = _ => Task.FromResult(Results.Ok());

    /// <summary>Gets or sets the answer to a level poll (<c>GET /api/levels/effective</c>): no rules, unless a test sets rules or a gate.</summary>
    public Func<Task<IResult>> AnswerLevels { get; set; } = () => Task.FromResult(Results.Text(NoLevels, "application/json"));

    /// <summary>Gets how many level polls arrived (apart from <see cref="Requests"/>).</summary>
    public int LevelPolls => Volatile.Read(ref _levelPolls);

    /// <summary>The collector's answer to a level poll when no rule applies.</summary>
    public const string NoLevels = """{"levels":[]}""";

    /// <summary>
    /// Gets or sets which requests are answered 503 (an outage) before <see cref="Respond"/> is asked; <see langword="null"/>
    /// (the default) refuses none. Decided by each request's content, not by when it arrives: a test with two handlers
    /// refuses one handler's sends by its key (<see cref="WithKey"/>), and a send that the first handler's disposal gave
    /// up on at its deadline is still refused when it arrives after the second one started. (A flag shared by both, read
    /// at arrival, let such a late send through and counted it as the second one's.) <see cref="Everything"/> is an
    /// outage of the only handler, ended by setting this back to <see langword="null"/>.
    /// </summary>
    public Func<RecordedRequest, bool>? Refuse
    {
        get => Volatile.Read(ref _refuse);
        set => Volatile.Write(ref _refuse, value);
    }

    /// <summary>Refuses every request: an outage of a test's only handler.</summary>
    public static Func<RecordedRequest, bool> Everything { get; } = static _ => true;

    /// <summary>Whether <paramref name="request"/> carries <paramref name="key"/> in <c>X-Api-Key</c>: whose handler sent it.</summary>
    public static bool WithKey(RecordedRequest request, string key) =>
        request.Headers.TryGetValue("X-Api-Key", out var sent) && string.Equals(sent, key, StringComparison.Ordinal);

    /// <summary>Gets or sets whether requests are kept for <see cref="Requests"/>; off for a test that sends a million events.</summary>
    public bool KeepRequests { get; set; } = true;

    public Uri BaseAddress { get; private set; } = null!;

    public string Host => $"{BaseAddress.Host}:{BaseAddress.Port}";

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    public static async Task<LoopbackServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new LoopbackServer(app);
        app.Map("/{**path}", (Delegate)server.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseAddress = new Uri(address);
        return server;
    }

    /// <summary>Waits until <paramref name="count"/> requests have arrived in all (bounded wait, not a sleep).</summary>
    public async Task WaitForRequestsAsync(int count, TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        while (_requests.Count < count)
        {
            await _arrived.WaitAsync(cancel.Token);
        }
    }

    private async Task<IResult> HandleAsync(HttpContext context)
    {
        if (HttpMethods.IsGet(context.Request.Method) && context.Request.Path == "/api/levels/effective")
        {
            Interlocked.Increment(ref _levelPolls);
            return await AnswerLevels();
        }

        using var body = new MemoryStream();
        var source = context.Request.Headers.ContentEncoding.ToString() == "gzip"
            ? new GZipStream(context.Request.Body, CompressionMode.Decompress)
            : context.Request.Body;
        await source.CopyToAsync(body);
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var request = new RecordedRequest(context.Request.Method, context.Request.Path.Value ?? "", context.Request.QueryString.Value ?? "", headers, body.ToArray());
        if (KeepRequests)
        {
            _requests.Enqueue(request);
            _arrived.Release();
        }

        return Refuse?.Invoke(request) == true ? Results.StatusCode(StatusCodes.Status503ServiceUnavailable) : await Respond(request);
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }
}
