using Microsoft.Extensions.Logging;
using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Tests.Levels;

/// <summary>What every <see cref="ILevelRuleStore"/> must do (run by the SQLite and PostgreSQL stores).</summary>
public abstract class LevelRuleStoreContractTests : IAsyncLifetime
{
    protected static readonly DateTimeOffset T0 = new(2026, 12, 1, 17, 0, 0, TimeSpan.Zero);

    private protected ILevelRuleStore Store { get; private set; } = null!;

    public async Task InitializeAsync() => Store = await CreateStoreAsync();

    public Task DisposeAsync() => DeleteStoreAsync();

    [Fact]
    public async Task Add_Rule_ListedLiveWithIdAndCreatorUntilExpiry()
    {
        var stored = await Store.AddAsync(Rule(user: "alice", expires: T0.AddHours(2)), _ => "{}", CancellationToken.None);

        var live = Assert.Single(await Store.ListLiveAsync(T0.AddHours(1), CancellationToken.None));
        Assert.Equal(stored.Id, live.Id);
        Assert.Equal(("alice", LogLevel.Debug, "AdminApiKey", T0, T0.AddHours(2)), (live.User, live.Level, live.CreatedBy, live.Created, live.Expires));
        Assert.Null(live.App);
        Assert.Empty(await Store.ListLiveAsync(T0.AddHours(2), CancellationToken.None));
    }

    [Fact]
    public async Task Revoke_KnownAndUnknown_RemovedOnceAndAudited()
    {
        var first = await Store.AddAsync(Rule(user: "alice"), r => $"{{\"id\":{r.Id},\"user\":\"alice\"}}", CancellationToken.None);
        var second = await Store.AddAsync(Rule(machine: "PC-042", category: "Payroll.Db"), _ => "{\"machine\":\"PC-042\"}", CancellationToken.None);

        Assert.True(await Store.RevokeAsync(first.Id, "support", T0.AddMinutes(5), CancellationToken.None));
        Assert.False(await Store.RevokeAsync(first.Id, "support", T0.AddMinutes(6), CancellationToken.None));

        var live = Assert.Single(await Store.ListLiveAsync(T0, CancellationToken.None));
        Assert.Equal((second.Id, "Payroll.Db"), (live.Id, live.Category));
        var audit = await Store.AuditAsync(10, CancellationToken.None);
        Assert.Equal(["revoked", "created", "created"], audit.Select(a => a.Action));
        Assert.Equal((first.Id, "support", T0.AddMinutes(5), $"{{\"id\":{first.Id},\"user\":\"alice\"}}"), (audit[0].RuleId, audit[0].By, audit[0].At, audit[0].Rule));
        Assert.Equal($"{{\"id\":{first.Id},\"user\":\"alice\"}}", audit[2].Rule);
    }

    private protected abstract Task<ILevelRuleStore> CreateStoreAsync();

    protected abstract Task DeleteStoreAsync();

    private static LevelRule Rule(string? user = null, string? machine = null, string? category = null, DateTimeOffset? expires = null) => new()
    {
        User = user,
        Machine = machine,
        Category = category,
        Level = LogLevel.Debug,
        Expires = expires ?? T0.AddHours(1),
        CreatedBy = "AdminApiKey",
        Created = T0,
    };
}
