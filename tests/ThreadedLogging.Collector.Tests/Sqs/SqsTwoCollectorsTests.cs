using Microsoft.Extensions.Logging;
using ThreadedLogging.Collector.Tests.Support;
using ThreadedLogging.Testing;

namespace ThreadedLogging.Collector.Tests.Sqs;

/// <summary>Issue 12: two collectors on one PostgreSQL draining one queue; one dies between commit and delete.</summary>
public sealed class SqsTwoCollectorsTests(SqsEmulatorFixture sqs) : IClassFixture<SqsEmulatorFixture>
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Drain_TwoCollectorsOnePostgres_FirstDiesBeforeDelete_EveryEventStoredOnce()
    {
        await using var database = PostgresDatabase.Create();
        using var data = new TempDirectory();
        var (name, _) = await sqs.CreateQueueAsync("two-collectors");
        await using (var handler = new ThreadedAwsHandler(sqs.Options(name)))
        {
            var log = handler.CreateLogger("Payroll");
            for (var i = 0; i < 500; i++)
            {
                log.LogInformation("order {Number} shipped", i);
            }

            Assert.True(await handler.FlushAsync(new CancellationTokenSource(Budget).Token));
        }

        var settings = new Dictionary<string, string>
        {
            ["Collector:Store"] = "postgres",
            ["ConnectionStrings:Events"] = database.ConnectionString(),
            ["Collector:Sqs:ReceiversPerQueue"] = "1",
            ["Collector:Sqs:VisibilityTimeoutSeconds"] = "1",
        };
        // Collector A commits its first receive, then never deletes it (as if killed there); B drains the rest,
        // and gets A's messages again once their visibility timeout passes.
        var committed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var a = await SqsCollectorHost.StartAsync(sqs, data.Path, name, settings, async (_, stopping) =>
        {
            committed.TrySetResult();
            await Task.Delay(Timeout.Infinite, stopping);
        });
        await committed.Task.WaitAsync(Budget);
        var storedByA = a.Statistics.Snapshot().EventsStored;
        await using var b = await SqsCollectorHost.StartAsync(sqs, data.Path, name, settings);
        await b.Statistics.WaitAsync(s => s.Duplicates >= 1 && s.EventsStored + storedByA >= 500, new CancellationTokenSource(Budget).Token);

        var events = await b.AllEventsAsync();
        Assert.True(storedByA > 0);
        Assert.Equal(500, events.Count);
        Assert.Equal(500, events.Select(e => (e.InstanceId, e.Sequence)).Distinct().Count());
    }
}
