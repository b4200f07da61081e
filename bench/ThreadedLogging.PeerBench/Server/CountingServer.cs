using System.Buffers;
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

        var source = context.Request.Headers.ContentEncoding.ToString().Contains("gzip", StringComparison.OrdinalIgnoreCase)
            ? new GZipStream(context.Request.Body, CompressionMode.Decompress)
            : context.Request.Body;
        var (body, length) = await ReadPooledAsync(source, context.Request.ContentLength);
        long? count;
        try
        {
            if (_delay > TimeSpan.Zero)
            {
                await Task.Delay(_delay);
            }

            count = EventCounter.Count(context.Request.ContentType, body.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(body);
        }

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

    /// <summary>
    /// The whole body into a buffer from the shared pool (returned by the caller): a server that answers at once should
    /// cost the machine as little as it can, and a new buffer per request (a large-object one for a body over 85 KB)
    /// made the server's cost per event grow with the clients' body sizes.
    /// </summary>
    private static async Task<(byte[] Body, int Length)> ReadPooledAsync(Stream source, long? contentLength)
    {
        await using (source)
        {
            var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Clamp(contentLength ?? 0, 16 * 1024, 64 * 1024 * 1024) + 1);
            var length = 0;
            while (true)
            {
                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await source.ReadAsync(buffer.AsMemory(length));
                if (read == 0)
                {
                    return (buffer, length);
                }

                length += read;
            }
        }
    }
}
