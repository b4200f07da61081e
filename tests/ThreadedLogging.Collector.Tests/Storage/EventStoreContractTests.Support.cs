using Microsoft.Extensions.Logging;
using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Tests.Storage;

/// <summary>
/// The support console's store contract (issue 10): one event, its context by sequence, the users list,
/// case-insensitive user, level sets, ids, full text over exceptions, and the commit feed.
/// </summary>
public abstract partial class EventStoreContractTests
{
    private const string PythonTraceback = "Traceback (most recent call last):\n  File \"pay.py\", line 12, in run\n    total = rates[code]\nKeyError: 'EUR'\n";

    /// <summary>A copy of <paramref name="e"/> with the given fields (null: as in <paramref name="e"/>).</summary>
    private protected static NewEvent With(
        NewEvent e, string? user = null, string? machine = null, string? version = null, string? exception = null,
        string? app = null, string? properties = null, string? context = null, string? traceId = null) => new()
        {
            Timestamp = e.Timestamp,
            Level = e.Level,
            Category = e.Category,
            Message = e.Message,
            App = app ?? e.App,
            User = user ?? e.User,
            Machine = machine ?? e.Machine,
            Version = version ?? e.Version,
            ExceptionJson = exception ?? e.ExceptionJson,
            PropertiesJson = properties ?? e.PropertiesJson,
            ContextJson = context ?? e.ContextJson,
            TraceId = traceId ?? e.TraceId,
            Path = e.Path,
            InstanceId = e.InstanceId,
            Sequence = e.Sequence,
        };

    [Fact]
    public async Task GetEvent_KnownAndUnknownId_EventOrNull()
    {
        await Store.AppendAsync(new EventBatch(null, [Event(1, message: "only one")]), CancellationToken.None);
        var id = (await QueryAsync(new EventQuery())).Single().Id;

        Assert.Equal("only one", (await Store.GetEventAsync(id, CancellationToken.None))!.Message);
        Assert.Null(await Store.GetEventAsync(id + 12345, CancellationToken.None));
    }

    [Fact]
    public async Task GetContext_EventOfInstance_NeighboursBySequenceOldestFirst()
    {
        // Sequence order differs from timestamp order (a clock step back): context follows the sequence.
        var events = Enumerable.Range(1, 9).Select(i => Event(i, at: T0.AddSeconds(i % 3), instance: "ctx")).ToList();
        events.Add(Event(5, instance: "other"));
        await Store.AppendAsync(new EventBatch(null, events), CancellationToken.None);
        var target = (await QueryAsync(new EventQuery { InstanceId = "ctx" })).Single(e => e.Sequence == 5);

        var context = (await Store.GetContextAsync(target.Id, 3, CancellationToken.None))!;

        Assert.Equal([2L, 3L, 4L], context.Before.Select(e => e.Sequence!.Value));
        Assert.Equal(5L, context.Event.Sequence);
        Assert.Equal([6L, 7L, 8L], context.After.Select(e => e.Sequence!.Value));
        Assert.All(context.Before.Concat(context.After), e => Assert.Equal("ctx", e.InstanceId));
        Assert.Null(await Store.GetContextAsync(target.Id + 12345, 3, CancellationToken.None));
    }

    /// <summary>
    /// An event without an instance and a sequence (Serilog's CLEF, OTLP, Python's HTTPHandler) had no context: empty
    /// lists. Its context is now by time: the events of its app and machine, and user when it has one, nearest it within
    /// an hour either side, oldest first; an app or machine it was sent without matches the events sent without one.
    /// </summary>
    [Fact]
    public async Task GetContext_EventWithoutInstanceAndSequence_SameAppMachineAndUserByTimeWithinAnHour()
    {
        static NewEvent Clef(string message, TimeSpan offset, string? user = "ann", string? app = "Shop", string? machine = "PC-7", string? instance = null) => new()
        {
            Timestamp = T0 + offset,
            Level = LogLevel.Information,
            Message = message,
            App = app,
            User = user,
            Machine = machine,
            Path = "clef",
            InstanceId = instance,
        };

        await Store.AppendAsync(new EventBatch(null, [
            Clef("two hours before", TimeSpan.FromHours(-2)),
            Clef("50 min before", TimeSpan.FromMinutes(-50)),
            Clef("10 min before", TimeSpan.FromMinutes(-10)),
            Clef("bob's, 5 min before", TimeSpan.FromMinutes(-5), user: "bob"),
            Clef("other machine", TimeSpan.FromMinutes(-5), machine: "PC-8"),
            Clef("other app", TimeSpan.FromMinutes(-4), app: "Admin"),
            Clef("no app", TimeSpan.FromMinutes(-4), app: null),
            Clef("1 s before", TimeSpan.FromSeconds(-1)),
            Clef("target", TimeSpan.Zero),
            Clef("30 s after", TimeSpan.FromSeconds(30)),
            Clef("59 min after", TimeSpan.FromMinutes(59)),
            Clef("61 min after", TimeSpan.FromMinutes(61)),
            Clef("OTLP, no sequence", TimeSpan.FromHours(5), user: null, instance: "otel-1"),
            Clef("bob's, 5 h", TimeSpan.FromHours(5) + TimeSpan.FromMinutes(-1), user: "bob"),
            Clef("other instance, 5 h", TimeSpan.FromHours(5) + TimeSpan.FromMinutes(2), user: null, instance: "otel-2"),
            Clef("python", TimeSpan.FromHours(9), user: "priya", app: null, machine: null),
            Clef("python before", TimeSpan.FromHours(9) + TimeSpan.FromMinutes(-3), user: "priya", app: null, machine: null),
            Clef("priya on PC-7", TimeSpan.FromHours(9) + TimeSpan.FromMinutes(-2), user: "priya"),
        ]), CancellationToken.None);
        var all = await QueryAsync(new EventQuery());
        // "before, … | after, …", the event itself checked.
        async Task<string> ContextOf(string message, int count)
        {
            var context = (await Store.GetContextAsync(all.Single(e => e.Message == message).Id, count, CancellationToken.None))!;
            Assert.Equal(message, context.Event.Message);
            return string.Join(", ", context.Before.Select(e => e.Message)) + " | " + string.Join(", ", context.After.Select(e => e.Message));
        }

        // Before: " | " for each.
        Assert.Equal("10 min before, 1 s before | 30 s after, 59 min after", await ContextOf("target", 2));
        Assert.Equal("50 min before, 10 min before, 1 s before | 30 s after, 59 min after", await ContextOf("target", 10));
        // Without a user: every user's events of that app and machine (an OTLP record's instance is no sequence).
        Assert.Equal("bob's, 5 h | other instance, 5 h", await ContextOf("OTLP, no sequence", 10));
        // CPython's HTTPHandler: no app, no machine; its user's events sent without them too.
        Assert.Equal("python before | ", await ContextOf("python", 10));
    }

    [Fact]
    public async Task GetContext_EventWithoutInstanceAndSequence_UserInAnotherCase_SameUserAsTheUserFilterSays()
    {
        // One person whose apps send the name in different cases (a Serilog enricher's "ANN", OTLP's "ann"): the user=
        // filter finds both, so the context by time, which is of the same user, has both too; another user's stays out.
        static NewEvent Clef(string message, TimeSpan offset, string user) => new()
        {
            Timestamp = T0 + offset,
            Level = LogLevel.Information,
            Message = message,
            App = "Shop",
            User = user,
            Machine = "PC-7",
            Path = "clef",
        };

        await Store.AppendAsync(new EventBatch(null, [
            Clef("Ann's, 3 min before", TimeSpan.FromMinutes(-3), "Ann"),
            Clef("ANN's, 2 min before", TimeSpan.FromMinutes(-2), "ANN"),
            Clef("anne's, 1 min before", TimeSpan.FromMinutes(-1), "anne"),
            Clef("target", TimeSpan.Zero, "ann"),
            Clef("ann's, 1 min after", TimeSpan.FromMinutes(1), "ann"),
            Clef("Ann's, 2 min after", TimeSpan.FromMinutes(2), "Ann"),
            Clef("ANN's, 3 min after", TimeSpan.FromMinutes(3), "ANN"),
        ]), CancellationToken.None);
        var all = await QueryAsync(new EventQuery());
        async Task<string> ContextOf(string message, int count)
        {
            var context = (await Store.GetContextAsync(all.Single(e => e.Message == message).Id, count, CancellationToken.None))!;
            return string.Join(", ", context.Before.Select(e => e.Message)) + " | " + string.Join(", ", context.After.Select(e => e.Message));
        }

        Assert.Equal(6, (await QueryAsync(new EventQuery { User = "ann" })).Count); // the filter's view: target and 5 others
        Assert.Equal("Ann's, 3 min before, ANN's, 2 min before | ann's, 1 min after, Ann's, 2 min after, ANN's, 3 min after", await ContextOf("target", 10));
        // The nearest ones across the cases, count on each side.
        Assert.Equal("Ann's, 3 min before, ANN's, 2 min before | ann's, 1 min after, Ann's, 2 min after", await ContextOf("target", 2));
        Assert.Equal("ANN's, 2 min before | ann's, 1 min after", await ContextOf("target", 1));
    }

    [Fact]
    public async Task Query_UserAnyCase_MatchesUser()
    {
        await Store.AppendAsync(new EventBatch(null, [With(Event(1), user: "Alice.Smith"), With(Event(2), user: "bob")]), CancellationToken.None);

        var events = await QueryAsync(new EventQuery { User = "alice.SMITH" });

        Assert.Equal("Alice.Smith", Assert.Single(events).User);
    }

    [Fact]
    public async Task Users_SearchOfSeveralWords_UsersWhoseNameHoldsEveryWord()
    {
        await Store.AppendAsync(new EventBatch(null, [With(Event(1), user: "anna.schmidt"), With(Event(2), user: "anna.berg"), With(Event(3), user: "bob.schmidt")]), CancellationToken.None);
        var window = new UserQuery { Limit = 10, Sort = UserSort.Name, WindowFrom = T0.AddDays(-1), WindowTo = T0.AddDays(1) };
        async Task<string[]> Users(string search) => [.. (await Store.GetUsersAsync(window with { Search = search }, CancellationToken.None)).Users.Select(u => u.User ?? "(no user)")];

        Assert.Equal(["anna.schmidt"], await Users("Anna Schmidt"));
        Assert.Equal(["anna.schmidt"], await Users("  schmidt\tANNA "));
        Assert.Equal(["anna.berg", "anna.schmidt"], await Users("anna"));
        Assert.Equal(["anna.schmidt", "bob.schmidt"], await Users("SCHMIDT"));
        Assert.Empty(await Users("anna meyer"));
    }

    [Fact]
    public async Task Query_NulInTextFilters_FindsTheEventStoredWithIt()
    {
        // PostgreSQL answered 500 to a NUL in a filter (text cannot hold one); ingest stores it as U+FFFD there.
        await Store.AppendAsync(new EventBatch(null, [With(Event(1, instance: "i\0"), user: "a\0b", machine: "m\0"), With(Event(2), user: "ab")]), CancellationToken.None);
        var window = new UserQuery { Limit = 10, WindowFrom = T0.AddDays(-1), WindowTo = T0.AddDays(1) };

        var events = await QueryAsync(new EventQuery { User = "a\0b", Machine = "m\0", InstanceId = "i\0", App = "App\0", PathPrefix = "u\0" });
        var found = await QueryAsync(new EventQuery { User = "a\0b", Machine = "m\0", InstanceId = "i\0" });
        var users = (await Store.GetUsersAsync(window with { Search = "a\0" }, CancellationToken.None)).Users;
        var afterNul = (await Store.GetUsersAsync(window with { Search = "\0b" }, CancellationToken.None)).Users;
        var nulFirst = (await Store.GetUsersAsync(window with { Search = "\0zzz" }, CancellationToken.None)).Users;
        var after = (await Store.GetUsersAsync(window with { Sort = UserSort.Name, After = new UserCursor(0, "a\0") }, CancellationToken.None)).Users;

        Assert.Empty(events);
        Assert.Equal(1L, Assert.Single(found).Sequence);
        Assert.Single(users);
        Assert.Single(afterNul); // "a\0b" only: a search's NUL matched every user on SQLite (LIKE's pattern ended there)
        Assert.Empty(nulFirst);
        Assert.NotEmpty(after);
    }

    [Fact]
    public async Task Query_LevelSetAndIds_OnlyThose()
    {
        var levels = new[] { LogLevel.Debug, LogLevel.Information, LogLevel.Warning, LogLevel.Error, LogLevel.Critical };
        await Store.AppendAsync(new EventBatch(null, [.. levels.Select((l, i) => Event(i, level: l))]), CancellationToken.None);
        var all = await QueryAsync(new EventQuery());

        var toggled = await QueryAsync(new EventQuery { Levels = [LogLevel.Debug, LogLevel.Error] });
        var byIds = await QueryAsync(new EventQuery { Ids = [all[0].Id, all[2].Id], Levels = [LogLevel.Critical, LogLevel.Information] });

        Assert.Equal([LogLevel.Error, LogLevel.Debug], toggled.Select(e => e.Level));
        Assert.Equal([LogLevel.Critical], byIds.Select(e => e.Level));
    }

    [Theory]
    [InlineData("KeyError")]
    [InlineData("keyerror|eur")]
    [InlineData("pay.py")]
    [InlineData("total = rates")]
    [InlineData("rate*")]
    [InlineData("InvalidOperationException")]
    [InlineData("System.InvalidOperationException")]
    [InlineData("ledger|closed")]
    [InlineData("Ledger.Post")]
    public async Task Query_FullText_FindsExceptionTypeMessageAndStack(string word)
    {
        var dotnet = """{"type":"System.InvalidOperationException","message":"Ledger closed","stackTrace":"   at Payroll.Ledger.Post(Entry e) in Ledger.cs:line 42","inner":[]}""";
        var python = $$"""{"type":"KeyError","message":"'EUR'","text":{{System.Text.Json.JsonSerializer.Serialize(PythonTraceback)}},"excInfo":null}""";
        await Store.AppendAsync(new EventBatch(null, [
            With(Event(1, message: "payment failed"), exception: word.Contains("Ledger", StringComparison.OrdinalIgnoreCase) || word.Contains("Invalid", StringComparison.Ordinal) ? dotnet : python),
            Event(2, message: "nothing here")]), CancellationToken.None);

        var found = await QueryAsync(new EventQuery { Words = word.Split('|') });
        var forUser = await QueryAsync(new EventQuery { Words = word.Split('|'), User = "U1" });

        Assert.Equal("payment failed", Assert.Single(found).Message);
        Assert.Single(forUser);
    }

    [Fact]
    public async Task Query_FullText_PropertyNamesOfExceptionNotIndexed()
    {
        await Store.AppendAsync(new EventBatch(null, [With(Event(1), exception: """{"type":"Boom","message":"m \u0022quoted\u0022","stackTrace":null}""")]), CancellationToken.None);

        Assert.Empty(await QueryAsync(new EventQuery { Words = ["stackTrace"] }));
        Assert.Single(await QueryAsync(new EventQuery { Words = ["boom"] }));
        Assert.Single(await QueryAsync(new EventQuery { Words = ["quoted"] }));
    }

    [Fact]
    public async Task Users_LatestErrorWindowAndSearch_AsDocumented()
    {
        await Store.AppendAsync(new EventBatch(null, [
            With(Event(1, at: T0.AddHours(-30), level: LogLevel.Error, message: "old failure"), user: "Carol", machine: "PC-1", version: "1.0"),
            With(Event(3, at: T0.AddHours(-1), level: LogLevel.Critical, message: "disk full"), user: "Carol", machine: "PC-2", version: "1.1"),
            With(Event(5, at: T0, level: LogLevel.Warning), user: "Carol", machine: "PC-2", version: "1.1"),
            With(Event(2, at: T0.AddMinutes(-5), level: LogLevel.Error, message: "late"), user: "dave"),
            With(Event(4, at: T0.AddMinutes(1)), user: "erin"),
        ]), CancellationToken.None);
        var window = new UserQuery { WindowFrom = T0.AddHours(-24), WindowTo = T0.AddHours(1) };

        var byLastSeen = (await Store.GetUsersAsync(window, CancellationToken.None)).Users;
        var byError = (await Store.GetUsersAsync(window with { Sort = UserSort.LatestError }, CancellationToken.None)).Users;
        var searched = (await Store.GetUsersAsync(window with { Search = "ARO" }, CancellationToken.None)).Users;

        Assert.Equal(["erin", "Carol", "dave"], byLastSeen.Select(u => u.User));
        Assert.Equal(["dave", "Carol", "erin"], byError.Select(u => u.User));
        var carol = Assert.Single(searched);
        Assert.Equal("disk full", carol.LatestError!.Message);
        Assert.Equal(3, carol.Total);
        Assert.Equal(1, carol.CountsByLevel[(int)LogLevel.Error]);
        Assert.Equal(0, carol.WindowCountsByLevel[(int)LogLevel.Error]);
        Assert.Equal(1, carol.WindowCountsByLevel[(int)LogLevel.Critical]);
        Assert.Equal(["PC-2"], carol.Machines);
        Assert.Equal(["App 1.1"], carol.Versions);
        Assert.Null(byError[2].LatestError);
    }

    [Fact]
    public async Task Users_PageWithCaseVariantsAndNoUser_EachRowCountsOnlyItsOwnEvents()
    {
        var anonymous = new NewEvent { Timestamp = T0.AddMinutes(-3), Level = LogLevel.Error, Message = "nobody's failure", App = "App", Machine = "M" };
        await Store.AppendAsync(new EventBatch(null, [
            With(Event(1, at: T0.AddMinutes(-10), level: LogLevel.Error, message: "upper failure"), user: "Alice", machine: "PC-A"),
            With(Event(2, at: T0.AddMinutes(-9)), user: "Alice", machine: "PC-A"),
            With(Event(3, at: T0.AddMinutes(-8), level: LogLevel.Warning), user: "alice", machine: "PC-b", version: "2.0"),
            With(Event(4, at: T0.AddMinutes(-7), level: LogLevel.Error, message: "lower failure"), user: "alice", machine: "PC-b", version: "2.0"),
            With(Event(5, at: T0.AddMinutes(-6)), user: "alice", machine: "PC-b", version: "2.0"),
            anonymous,
        ]), CancellationToken.None);

        var users = (await Store.GetUsersAsync(new UserQuery { WindowFrom = T0.AddHours(-1), WindowTo = T0, Sort = UserSort.Name }, CancellationToken.None)).Users;

        Assert.Equal([null, "Alice", "alice"], users.Select(u => u.User));
        var (nobody, upper, lower) = (users[0], users[1], users[2]);
        Assert.Equal([0, 0, 1, 0, 1, 0], upper.WindowCountsByLevel);
        Assert.Equal([0, 0, 1, 1, 1, 0], lower.WindowCountsByLevel);
        Assert.Equal([0, 0, 0, 0, 1, 0], nobody.WindowCountsByLevel);
        Assert.Equal(["PC-A"], upper.Machines);
        Assert.Equal(["PC-b"], lower.Machines);
        Assert.Equal(["App 2.0"], lower.Versions);
        Assert.Equal("upper failure", upper.LatestError!.Message);
        Assert.Equal("lower failure", lower.LatestError!.Message);
        Assert.Equal("nobody's failure", nobody.LatestError!.Message);
    }

    [Fact]
    public async Task Users_Paging_VisitsEachUserOnceInOrder()
    {
        await Store.AppendAsync(new EventBatch(null, [.. Enumerable.Range(0, 23).Select(i => With(Event(i, at: T0.AddSeconds(i % 5), level: i % 4 == 0 ? LogLevel.Error : LogLevel.Information), user: $"user{i:00}"))]), CancellationToken.None);

        foreach (var sort in Enum.GetValues<UserSort>())
        {
            var seen = new List<string>();
            var query = new UserQuery { WindowFrom = T0, WindowTo = T0.AddDays(1), Limit = 4, Sort = sort };
            while (true)
            {
                var page = await Store.GetUsersAsync(query, CancellationToken.None);
                seen.AddRange(page.Users.Select(u => u.User!));
                if (page.Next is null)
                {
                    break;
                }

                query = query with { After = page.Next };
            }

            var all = (await Store.GetUsersAsync(query with { After = null, Limit = 100 }, CancellationToken.None)).Users.Select(u => u.User!).ToList();
            Assert.Equal(all, seen);
            Assert.Equal(23, seen.Distinct().Count());
        }
    }

    [Fact]
    public async Task Commits_AfterAppend_PublishesStoredIdsInCommitOrder()
    {
        var before = Store.Commits.Last;
        await Store.AppendAsync(new EventBatch(null, [Event(1, instance: "f"), Event(2, instance: "f")]), CancellationToken.None);
        await Store.AppendAsync(new EventBatch(null, [Event(2, instance: "f"), Event(3, instance: "f")]), CancellationToken.None);

        var commits = new List<(long Commit, long[] Ids)>();
        Store.Commits.Read(before, 10, commits);
        var stored = await QueryAsync(new EventQuery { InstanceId = "f" });

        Assert.Equal(2, commits.Count);
        Assert.Equal(stored.OrderBy(e => e.Sequence).Select(e => e.Id), commits.SelectMany(c => c.Ids));
    }
}
