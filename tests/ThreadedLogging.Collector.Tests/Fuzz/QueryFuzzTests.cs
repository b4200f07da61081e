using System.Net;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Fuzz;

/// <summary>
/// Seeded fuzzing of the read side and the level-rules API over HTTP, against a real collector with keys and
/// seeded events (<see cref="QueryFuzzCollector"/>); run by each store (<see cref="SqliteQueryFuzzTests"/>,
/// <see cref="PostgresQueryFuzzTests"/>). A failure lists every request that broke a rule of
/// <see cref="QueryFuzzHarness"/>; the seed reproduces it.
/// </summary>
public abstract class QueryFuzzTests : IAsyncLifetime
{
    private const int RequestsPerSeed = 600;
    private static readonly QueryFuzzKeys Keys = QueryFuzzCollector.Keys;
    private readonly TestStore _store;
    private QueryFuzzCollector _collector = null!;
    private QueryFuzzKnown _known = null!;

    private protected QueryFuzzTests(TestStore store) => _store = store;

    public async Task InitializeAsync()
    {
        _collector = await QueryFuzzCollector.StartAsync(_store, DateTimeOffset.UtcNow);
        _known = await _collector.ReadKnownAsync();
    }

    public Task DisposeAsync() => _collector.DisposeAsync().AsTask();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task ReadApi_SeededHostileRequests_Never5xxAlwaysReasonedAndStillAnswers(int seed)
    {
        var (failures, succeeded) = await QueryFuzzHarness.RunAsync(_collector.Client, new QueryFuzzRequests(seed, Keys, _known).Generate(RequestsPerSeed), Keys);

        Assert.True(failures.Count == 0, $"seed {seed}: {failures.Count} failures\n" + string.Join("\n", failures.Take(40)));
        // Not all refused at the door: enough valid and half-valid requests reach the stores.
        Assert.True(succeeded > RequestsPerSeed / 10, $"seed {seed}: only {succeeded} of {RequestsPerSeed} answered 2xx");
        await _collector.AssertStillAnswersAsync();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task LevelsApi_SeededHostileRequests_Never5xxAlwaysReasonedAndStillAnswers(int seed)
    {
        var (failures, succeeded) = await QueryFuzzHarness.RunAsync(_collector.Client, new LevelRuleFuzzRequests(seed, Keys).Generate(RequestsPerSeed / 2), Keys);

        Assert.True(failures.Count == 0, $"seed {seed}: {failures.Count} failures\n" + string.Join("\n", failures.Take(40)));
        Assert.True(succeeded > RequestsPerSeed / 20, $"seed {seed}: only {succeeded} of {RequestsPerSeed / 2} answered 2xx");
        await _collector.AssertStillAnswersAsync();
        var (status, body) = await _collector.SendAsync(HttpMethod.Get, "api/levels", Keys.Read);
        Assert.True(status == HttpStatusCode.OK, body);
    }
}
