using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace ThreadedLogging.Collector.Tests.Diagnostics;

/// <summary>
/// Sees each <c>GET /metrics</c> a collector is sent as it begins (a middleware at the front of its pipeline, added
/// through the services: <c>CollectorFixture.StartAsync(watch.AddTo, …)</c>). Prometheus scrapes a target one scrape at a
/// time and stores a scrape's samples before it begins the next: the second scrape to begin after a change means the
/// first one, which saw the change, is stored and can be queried.
/// </summary>
internal sealed class ScrapeWatch : IStartupFilter
{
    private readonly Lock _lock = new();
    private readonly List<(int Scrape, TaskCompletionSource Begun)> _waiters = [];
    private int _begun;

    public void AddTo(IServiceCollection services) => services.AddSingleton<IStartupFilter>(this);

    /// <summary>Completes when <paramref name="count"/> more scrapes have begun than have now.</summary>
    public Task ScrapesBegunAsync(int count)
    {
        var begun = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            _waiters.Add((_begun + count, begun));
        }

        return begun.Task;
    }

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, nextMiddleware) =>
        {
            if (context.Request.Path == "/metrics")
            {
                Begin();
            }

            return nextMiddleware(context);
        });
        next(app);
    };

    private void Begin()
    {
        lock (_lock)
        {
            _begun++;
            foreach (var waiter in _waiters.Where(w => w.Scrape <= _begun))
            {
                waiter.Begun.TrySetResult();
            }

            _waiters.RemoveAll(w => w.Scrape <= _begun);
        }
    }
}
