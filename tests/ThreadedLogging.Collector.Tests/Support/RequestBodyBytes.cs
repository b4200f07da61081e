using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using ThreadedLogging.Collector.Ingest;

namespace ThreadedLogging.Collector.Tests.Support;

/// <summary>
/// Counts the body bytes of the POSTs a collector is sent to <c>/log/…</c>, as the collector reads them from Kestrel (a
/// middleware at the front of its pipeline, added through the services: <c>CollectorFixture.StartAsync(bytes.AddTo, …)</c>).
/// </summary>
internal sealed class RequestBodyBytes : IStartupFilter
{
    private long _total;

    /// <summary>Gets the bytes read from those bodies so far.</summary>
    public long Total => Interlocked.Read(ref _total);

    public void AddTo(IServiceCollection services) => services.AddSingleton<IStartupFilter>(this);

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, nextMiddleware) =>
        {
            if (HttpMethods.IsPost(context.Request.Method) && context.Request.Path.StartsWithSegments("/log"))
            {
                context.Request.Body = new CountingStream(context.Request.Body, this);
            }

            return nextMiddleware(context);
        });
        next(app);
    };

    private sealed class CountingStream(Stream inner, RequestBodyBytes counter) : ReadOnlyStream
    {
        public override int Read(Span<byte> buffer) => Counted(inner.Read(buffer));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Counted(await inner.ReadAsync(buffer, cancellationToken));

        private int Counted(int read)
        {
            Interlocked.Add(ref counter._total, read);
            return read;
        }
    }
}
