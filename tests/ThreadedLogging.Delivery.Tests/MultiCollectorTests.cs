using Microsoft.Extensions.Logging;
using ThreadedLogging.Delivery.Tests.Support;
using ThreadedLogging.Testing;

namespace ThreadedLogging.Delivery.Tests;

/// <summary>
/// Issue 12: several collector processes on one PostgreSQL behind a balancer. A collector killed with SIGKILL
/// mid-stream after committing a batch it never answered: the client retries it through the other collector,
/// and every numbered event is stored exactly once.
/// </summary>
public sealed class MultiCollectorTests
{
    [Fact]
    public async Task TwoCollectorsOnOnePostgres_OneKilledAfterAnUnansweredCommit_EveryEventStoredOnce()
    {
        await using var database = PostgresDatabase.Create(); // dropped last, once both collectors are gone
        await using var a = new CollectorProcess(database.CollectorArguments);
        await using var b = new CollectorProcess(database.CollectorArguments);
        await Task.WhenAll(a.StartAsync(), b.StartAsync()); // both create the schema at once
        await using var balancer = await FaultProxy.StartAsync(a.Host, b.Host);
        var aDead = false;
        balancer.Route = n => Volatile.Read(ref aDead) ? 1 : n % 2;
        balancer.Decide = n => n == 10 ? Fault.LoseResponse : Fault.None; // an even request: collector A commits it, the answer is lost

        var handlers = Enumerable.Range(0, 4).Select(i => DeliveryFaultTests.Client(balancer.Host, "pg-" + i, o => o.RequestTimeout = TimeSpan.FromSeconds(5))).ToList();
        try
        {
            var logging = handlers.Select(h => Task.Run(() =>
            {
                var logger = h.CreateLogger("Delivery");
                for (var n = 0; n < 400; n++)
                {
                    logger.LogInformation("event {N}", n);
                }
            })).ToList();

            await balancer.FirstResponseLost.WaitAsync(TimeSpan.FromMinutes(2));
            Volatile.Write(ref aDead, true); // the balancer stops sending to A ...
            await a.KillAsync(); // ... which dies with kill -9, whatever it was doing
            await Task.WhenAll(logging);

            Assert.All(handlers, h => Assert.True(h.Flush(TimeSpan.FromSeconds(90))));
            foreach (var i in Enumerable.Range(0, 4))
            {
                Assert.Equal(Enumerable.Range(0, 400).Select(n => (long)n), await b.EventNumbersAsync("pg-" + i));
            }

            Assert.True(handlers.Sum(h => h.Statistics.Retried) >= 1);
        }
        finally
        {
            foreach (var handler in handlers)
            {
                await handler.DisposeAsync();
            }
        }
    }
}
