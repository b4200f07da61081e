using Microsoft.Data.Sqlite;
using ThreadedLogging.Collector.Storage;
using ThreadedLogging.Collector.Storage.Sqlite;

namespace ThreadedLogging.Collector.Tests.Storage;

/// <summary>The plan choice for full text and the safety of user input in SQL.</summary>
public sealed class SqliteQueryBuilderTests
{
    [Theory]
    [InlineData(null, null, "f.events_fts MATCH")]
    [InlineData(100L, 5L, "e.id IN (SELECT rowid FROM fts.events_fts")]
    [InlineData(50_000L, 10_000L, "e.id IN (SELECT rowid FROM fts.events_fts")]
    [InlineData(1_000_000L, 50L, "EXISTS (SELECT 1 FROM fts.events_fts")]
    public void Build_FullText_PlanByWordAndFilterSize(long? documents, long? userEvents, string expected)
    {
        using var command = new SqliteCommand();
        var query = new EventQuery { Words = ["invoice"], User = documents is null ? null : "alice" };

        SqliteQueryBuilder.Build(command, query, documents, userEvents);

        Assert.Contains(expected, command.CommandText, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_UserInput_OnlyInParameters()
    {
        using var command = new SqliteCommand();
        const string Hostile = "x'; DROP TABLE events; --";

        SqliteQueryBuilder.Build(command, new EventQuery { User = Hostile, App = Hostile, Machine = Hostile, PathPrefix = Hostile, Words = [Hostile] }, 1, 1);

        Assert.DoesNotContain("DROP", command.CommandText, StringComparison.Ordinal);
        Assert.Equal("\"x';\" AND \"DROP\"", SqliteQueryBuilder.FtsMatch(SearchNode.AllOf(["x';", "DROP"])!));
    }

    [Fact]
    public void Tokens_LikeUnicode61()
    {
        Assert.Equal(["invoice", "rejected", "42"], SqliteQueryBuilder.Tokens("Invoice-REJECTED 42 --"));
    }
}
