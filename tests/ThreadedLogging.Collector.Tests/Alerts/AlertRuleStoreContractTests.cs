using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Tests.Alerts;

/// <summary>What every <see cref="IAlertRuleStore"/> must do (run by the SQLite and PostgreSQL stores).</summary>
public abstract class AlertRuleStoreContractTests : IAsyncLifetime
{
    protected static readonly DateTimeOffset T0 = new(2026, 12, 5, 1, 0, 0, TimeSpan.Zero);

    private protected IAlertRuleStore Store { get; private set; } = null!;

    public async Task InitializeAsync() => Store = await CreateStoreAsync();

    public Task DisposeAsync() => DeleteStoreAsync();

    [Fact]
    public async Task Add_Rule_ListedWithIdSettingsAndSecretsAsStored()
    {
        var stored = await Store.AddAsync(Rule("Payroll errors"), r => $"{{\"id\":{r.Id}}}", CancellationToken.None);

        var listed = Assert.Single(await Store.ListAsync(CancellationToken.None));
        Assert.NotNull(stored);
        Assert.Equal(stored.Id, listed.Id);
        Assert.Equal(("Payroll errors", "level=Error&app=Payroll", 3, TimeSpan.FromMinutes(5), (TimeSpan?)null), (listed.Name, listed.Query, listed.Threshold, listed.Window, listed.Cooldown));
        Assert.Equal(("http://127.0.0.1:9/hook/secret", "Bearer s3cret"), (listed.Webhook, listed.Headers["authorization"]));
        Assert.Equal(("AdminApiKey", T0, "AdminApiKey", T0), (listed.CreatedBy, listed.Created, listed.ChangedBy, listed.Changed));
        var audit = Assert.Single(await Store.AuditAsync(10, CancellationToken.None));
        Assert.Equal((stored.Id, "created", "AdminApiKey", T0, $"{{\"id\":{stored.Id}}}"), (audit.RuleId, audit.Action, audit.By, audit.At, audit.Rule));
    }

    [Fact]
    public async Task Add_NameOfAnotherRuleInOtherCase_RefusedNothingStored()
    {
        await Store.AddAsync(Rule("Payroll errors"), _ => "{}", CancellationToken.None);

        Assert.Null(await Store.AddAsync(Rule("PAYROLL ERRORS"), _ => "{}", CancellationToken.None));

        Assert.Single(await Store.ListAsync(CancellationToken.None));
        Assert.Single(await Store.AuditAsync(10, CancellationToken.None));
    }

    [Fact]
    public async Task Update_KnownTakenAndUnknown_ReplacedOnlyWhenFreeAndAudited()
    {
        var first = (await Store.AddAsync(Rule("a"), _ => "{}", CancellationToken.None))!;
        await Store.AddAsync(Rule("b"), _ => "{}", CancellationToken.None);
        var change = first with { Name = "a2", Threshold = 7, Cooldown = TimeSpan.Zero, Headers = new Dictionary<string, string>(), ChangedBy = "support", Changed = T0.AddMinutes(1) };

        Assert.Equal(AlertRuleWrite.Done, await Store.UpdateAsync(change, r => $"changed {r.Id}", CancellationToken.None));
        Assert.Equal(AlertRuleWrite.NameTaken, await Store.UpdateAsync(change with { Name = "B" }, _ => "x", CancellationToken.None));
        Assert.Equal(AlertRuleWrite.NotFound, await Store.UpdateAsync(change with { Id = 999 }, _ => "x", CancellationToken.None));

        var listed = (await Store.ListAsync(CancellationToken.None))[0];
        Assert.Equal(("a2", 7, (TimeSpan?)TimeSpan.Zero, 0, "AdminApiKey", "support", T0.AddMinutes(1)), (listed.Name, listed.Threshold, listed.Cooldown, listed.Headers.Count, listed.CreatedBy, listed.ChangedBy, listed.Changed));
        var audit = await Store.AuditAsync(10, CancellationToken.None);
        Assert.Equal(["changed", "created", "created"], audit.Select(a => a.Action));
        Assert.Equal((first.Id, "support", $"changed {first.Id}"), (audit[0].RuleId, audit[0].By, audit[0].Rule));
    }

    [Fact]
    public async Task Delete_KnownAndUnknown_RemovedOnceAndAuditedWithItsLastText()
    {
        var first = (await Store.AddAsync(Rule("a"), r => $"created {r.Id}", CancellationToken.None))!;
        await Store.UpdateAsync(first with { Threshold = 9 }, r => $"changed {r.Id}", CancellationToken.None);

        Assert.True(await Store.DeleteAsync(first.Id, "support", T0.AddMinutes(5), CancellationToken.None));
        Assert.False(await Store.DeleteAsync(first.Id, "support", T0.AddMinutes(6), CancellationToken.None));

        Assert.Empty(await Store.ListAsync(CancellationToken.None));
        var deleted = (await Store.AuditAsync(10, CancellationToken.None))[0];
        Assert.Equal((first.Id, "deleted", "support", T0.AddMinutes(5), $"changed {first.Id}"), (deleted.RuleId, deleted.Action, deleted.By, deleted.At, deleted.Rule));
        Assert.NotNull(await Store.AddAsync(Rule("A"), _ => "{}", CancellationToken.None)); // its name is free again
    }

    private protected abstract Task<IAlertRuleStore> CreateStoreAsync();

    protected abstract Task DeleteStoreAsync();

    private static StoredAlertRule Rule(string name) => new()
    {
        Name = name,
        Query = "level=Error&app=Payroll",
        Threshold = 3,
        Window = TimeSpan.FromMinutes(5),
        Webhook = "http://127.0.0.1:9/hook/secret",
        Headers = new Dictionary<string, string> { ["Authorization"] = "Bearer s3cret" },
        CreatedBy = "AdminApiKey",
        Created = T0,
        ChangedBy = "AdminApiKey",
        Changed = T0,
    };
}
