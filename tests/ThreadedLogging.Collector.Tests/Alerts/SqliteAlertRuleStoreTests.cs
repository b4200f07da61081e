using ThreadedLogging.Collector.Storage;
using ThreadedLogging.Collector.Storage.Sqlite;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Alerts;

/// <summary>The alert rule contract on SQLite (in alerts.db, beside the rules' state).</summary>
public sealed class SqliteAlertRuleStoreTests : AlertRuleStoreContractTests
{
    private TempDirectory? _directory;

    private protected override Task<IAlertRuleStore> CreateStoreAsync()
    {
        _directory = new TempDirectory();
        return Task.FromResult<IAlertRuleStore>(SqliteAlertsFile.RuleStore(_directory.Path));
    }

    protected override Task DeleteStoreAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory?.Dispose();
        return Task.CompletedTask;
    }
}
