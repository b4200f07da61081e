using ThreadedLogging.Collector.Storage;
using ThreadedLogging.Collector.Storage.Sqlite;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Levels;

/// <summary>The level rule contract on SQLite (its own versioned file).</summary>
public sealed class SqliteLevelRuleStoreTests : LevelRuleStoreContractTests
{
    private TempDirectory? _directory;

    private protected override Task<ILevelRuleStore> CreateStoreAsync()
    {
        _directory = new TempDirectory();
        return Task.FromResult<ILevelRuleStore>(new SqliteLevelRuleStore(_directory.Path));
    }

    protected override Task DeleteStoreAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory?.Dispose();
        return Task.CompletedTask;
    }
}
