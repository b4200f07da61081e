using System.Collections.Concurrent;
using System.IO.Compression;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ThreadedLogging.PeerBench;

/// <summary>
/// Kestrel on 127.0.0.1:0 that reads every request under <c>/r/{run}/…</c>, counts its events per run (gunzipped
/// when <c>Content-Encoding: gzip</c>; a repeated <c>Idempotency-Key</c> is counted as a duplicate, not again) and
/// answers 200 with an empty body — at once, or after a delay (<see cref="ServerState.Slow"/>).
/// </summary>
internal sealed class CountingServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, RunCounter> _runs = new(StringComparer.Ordinal);
    private readonly TimeSpan _delay;

    private CountingServer(WebApplication app, TimeSpan delay)
    {
        _app = app;
        _delay = delay;
    }

    public string BaseUrl { get; private set; } = string.Empty;

    public static async Task<CountingServer> StartAsync(TimeSpan delay)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = null);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new CountingServer(app, delay);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        server.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return server;
    }

    public RunCounter Counter(string run) => _runs.GetOrAdd(run, _ => new RunCounter());

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var segments = context.Request.Path.Value?.Split('/', StringSplitOptions.RemoveEmptyEntries) ?? [];
        if (segments.Length < 2 || segments[0] != "r")
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        using var body = new MemoryStream();
        var source = context.Request.Headers.ContentEncoding.ToString().Contains("gzip", StringComparison.OrdinalIgnoreCase)
            ? new GZipStream(context.Request.Body, CompressionMode.Decompress)
            : context.Request.Body;
        await using (source)
        {
            await source.CopyToAsync(body);
        }

        if (_delay > TimeSpan.Zero)
        {
            await Task.Delay(_delay);
        }

        var count = EventCounter.Count(context.Request.ContentType, body.GetBuffer().AsSpan(0, (int)body.Length));
        if (count is null)
        {
            context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            return;
        }

        var batchId = context.Request.Headers["Idempotency-Key"].ToString();
        Counter(segments[1]).Add(count.Value, batchId.Length > 0 ? batchId : null);
        context.Response.StatusCode = StatusCodes.Status200OK;
        if (context.Request.ContentType?.StartsWith("application/x-protobuf", StringComparison.Ordinal) == true)
        {
            context.Response.ContentType = "application/x-protobuf"; // an empty ExportLogsServiceResponse
        }
    }
}
