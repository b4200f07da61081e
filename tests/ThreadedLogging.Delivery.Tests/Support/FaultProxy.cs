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

    /// <summary>Answer 429 with <c>Retry-After</c> (<see cref="FaultProxy.RetryAfter"/>, 1 s unless set) without forwarding.</summary>
    TooManyRequests,

    /// <summary>Forward (the collector commits), then drop the connection: the answer is lost.</summary>
    LoseResponse,

    /// <summary>Accept and never answer (until the client gives up).</summary>
    BlackHole,

    /// <summary>
    /// Answer as a captive portal (hotel Wi-Fi) or a proxy's block page does, without forwarding: 200 with a sign-in
    /// page, text/html, whatever was asked.
    /// </summary>
    Portal,
}

/// <summary>
/// A real HTTP proxy on 127.0.0.1 in front of the collector that injects faults no real server makes
/// on demand: <see cref="Decide"/> picks the fault for the n-th request (0-based). In front of several
/// collectors it is their load balancer: <see cref="Route"/> picks the collector; one that does not answer
/// (killed) gives the client a 502, as a balancer would.
/// </summary>
public sealed class FaultProxy : IAsyncDisposable
{
    private static readonly string[] ForwardedHeaders = ["Content-Type", "Content-Encoding", "Idempotency-Key", "X-Api-Key", "Authorization"];
    private readonly WebApplication _app;
    private readonly HttpClient[] _upstreams;
    private readonly TaskCompletionSource _responseLost = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _answerWithheld = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Dictionary<string, int> _batches = [];
    private readonly List<string> _seen = [];
    private int _requests;

    private FaultProxy(WebApplication app, string[] targets)
    {
        _app = app;
        _upstreams = [.. targets.Select(t => new HttpClient { BaseAddress = new Uri($"http://{t}") })];
    }

    public Func<int, Fault> Decide { get; set; } = _ => Fault.None;

    /// <summary>Gets or sets the <c>Retry-After</c> of a <see cref="Fault.TooManyRequests"/> answer, in seconds.</summary>
    public int RetryAfter { get; set; } = 1;

    /// <summary>
    /// Gets or sets, when not null, what picks the fault instead of <see cref="Decide"/>: by the request's batch, numbered
    /// 0-based in the order the batches first arrive, told by the Idempotency-Key the client sends with each (the same on
    /// every retry of one batch). A retry after the client's request timeout (the collector slow on a loaded machine) is
    /// another request but the same batch: a test that means "the first 3 batches are taken" decides by this.
    /// </summary>
    public Func<int, Fault>? DecideBatch { get; set; }

    /// <summary>Gets what each numbered request was (its number, its batch's number as <see cref="DecideBatch"/> counts them, its Content-Length, the fault) and the collector's answer to it; for a failing test's message.</summary>
    public string Seen
    {
        get
        {
            lock (_batches)
            {
                return string.Join("; ", _seen);
            }
        }
    }

    /// <summary>
    /// Gets or sets whether the collector behind is "not there": every request, level polls too, is dropped without an
    /// answer (the connection aborted), unnumbered. A test that needs an address down first and up later binds the proxy
    /// (port 0) for its whole length instead of naming a free port it starts a collector on later: another test's server
    /// can be handed that port meanwhile and take the client's requests.
    /// </summary>
    public bool Down { get; set; }

    /// <summary>Gets or sets which target (index) the n-th request goes to. The default is the first.</summary>
    public Func<int, int> Route { get; set; } = _ => 0;

    /// <summary>Gets a task completed once a <see cref="Fault.LoseResponse"/> answer has been dropped (its batch committed).</summary>
    public Task FirstResponseLost => _responseLost.Task;

    /// <summary>
    /// Gets or sets, when not null, a text whose requests (their body as sent, or unzipped) are forwarded and their answer
    /// withheld until the client goes away: the collector commits them, the client never hears of it (a test kills it
    /// then: killed between the send and its recording). Every such request, retries too.
    /// </summary>
    public string? WithholdAnswersTo { get; set; }

    /// <summary>Gets a task completed once the collector has answered a request <see cref="WithholdAnswersTo"/> withholds the answer of.</summary>
    public Task AnswerWithheld => _answerWithheld.Task;

    public string Host { get; private set; } = "";

    public int Requests => Volatile.Read(ref _requests);

    public List<Fault> Applied { get; } = [];

    public static async Task<FaultProxy> StartAsync(params string[] targets)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var proxy = new FaultProxy(app, targets);
        app.Run(proxy.HandleAsync);
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        proxy.Host = $"{address.Host}:{address.Port}";
        return proxy;
    }

    private async Task HandleAsync(HttpContext context)
    {
        if (Down)
        {
            context.Abort();
            return;
        }

        // A JsonBatch client's level polls (one at its start) pass unnumbered and unfaulted: Decide and Requests count what was sent.
        var levelPoll = HttpMethods.IsGet(context.Request.Method) && context.Request.Path == "/api/levels/effective";
        var n = levelPoll ? Requests : Interlocked.Increment(ref _requests) - 1;
        var fault = levelPoll ? Fault.None : DecideBatch is { } decideBatch ? decideBatch(BatchNumber(context.Request)) : Decide(n);
        if (!levelPoll)
        {
            lock (Applied)
            {
                Applied.Add(fault);
            }

            lock (_batches)
            {
                _seen.Add($"#{n} batch {BatchNumber(context.Request)} {context.Request.ContentLength} B {fault}");
            }
        }

        switch (fault)
        {
            case Fault.ServerError:
                context.Response.StatusCode = 500;
                return;
            case Fault.TooManyRequests:
                context.Response.StatusCode = 429;
                context.Response.Headers.RetryAfter = RetryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
                return;
            case Fault.Portal:
                context.Response.StatusCode = 200;
                context.Response.ContentType = "text/html; charset=utf-8";
                await context.Response.WriteAsync("<!DOCTYPE html><html><head><title>Hotel Wi-Fi: sign in</title></head><body><form method=\"post\" action=\"/login\">Room number <input name=\"room\"></form></body></html>");
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

        HttpResponseMessage response;
        try
        {
            response = await _upstreams[Route(n)].SendAsync(request);
        }
        catch (HttpRequestException)
        {
            context.Response.StatusCode = 502; // the collector is gone
            return;
        }

        using var answer = response;
        if (!levelPoll)
        {
            lock (_batches)
            {
                _seen.Add($"#{n} collector answered {(int)response.StatusCode}{(context.RequestAborted.IsCancellationRequested ? ", the client gone (its request timeout)" : "")}");
            }
        }

        if (WithholdAnswersTo is { } withheld && Holds(body.ToArray(), context.Request.Headers.ContentEncoding.ToString(), withheld))
        {
            _answerWithheld.TrySetResult(); // committed upstream; the client waits for its answer until it goes
            await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
            return;
        }

        if (fault == Fault.LoseResponse)
        {
            context.Abort(); // committed upstream; the client never hears of it
            _responseLost.TrySetResult();
            return;
        }

        context.Response.StatusCode = (int)response.StatusCode;
        context.Response.ContentType = response.Content.Headers.ContentType?.ToString(); // as a proxy passes it: the client reads whose answer it is by it
        await response.Content.CopyToAsync(context.Response.Body);
    }

    private static bool Holds(byte[] body, string encoding, string text)
    {
        if (encoding.Contains("gzip", StringComparison.OrdinalIgnoreCase))
        {
            using var unzipped = new MemoryStream();
            using (var gzip = new System.IO.Compression.GZipStream(new MemoryStream(body), System.IO.Compression.CompressionMode.Decompress))
            {
                gzip.CopyTo(unzipped);
            }

            body = unzipped.ToArray();
        }

        return System.Text.Encoding.UTF8.GetString(body).Contains(text, StringComparison.Ordinal);
    }

    private int BatchNumber(HttpRequest request)
    {
        var key = request.Headers["Idempotency-Key"].ToString();
        lock (_batches)
        {
            if (!_batches.TryGetValue(key, out var number))
            {
                number = _batches.Count;
                _batches.Add(key, number);
            }

            return number;
        }
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
        foreach (var upstream in _upstreams)
        {
            upstream.Dispose();
        }
    }
}
