using System.Text.Json;
using ThreadedLogging.Collector.Ingest;
using ThreadedLogging.Collector.Ingest.Formats.Python;
using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Tests.Ingest.Formats;

/// <summary><see cref="PythonRecordMapper"/>: which user a record is stored under, and what it keeps as properties.</summary>
public sealed class PythonRecordMapperTests
{
    private static readonly IngestLimits Limits = new(new CollectorOptions(), DateTimeOffset.UnixEpoch.AddDays(20_000));

    [Fact]
    public void Map_PathNamesNoUser_RecordUserKept()
    {
        var stored = PythonRecordMapper.Map(Record(("user", "zoe")), "", Limits);

        Assert.Equal("zoe", stored.User);
        Assert.False(Properties(stored).TryGetProperty("user", out _));
    }

    [Fact]
    public void Map_FromSqsQueue_RecordUserKept()
    {
        var stored = PythonRecordMapper.Map(Record(("user", "carol")), "sqs:orders", Limits);

        Assert.Equal("carol", stored.User);
    }

    [Fact]
    public void Map_PathUserAndOtherRecordUser_PathWinsRecordUserAProperty()
    {
        var stored = PythonRecordMapper.Map(Record(("user", "someone-else")), "priya", Limits);

        Assert.Equal("priya", stored.User);
        Assert.Equal("someone-else", Properties(stored).GetProperty("user").GetString());
    }

    [Theory]
    [InlineData("machine", "app")] // Camelot's ThreadedHttpHandler
    [InlineData("instanceId", null)] // ThreadedLogging's clients
    public void Map_RecordCarriesClientIdentity_ItsUserWinsOverPath(string identityField, string? secondField)
    {
        var fields = Record(("user", "carol"), (identityField, "x"));
        if (secondField is not null)
        {
            fields[secondField] = "y";
        }

        // The client's Url template puts {app} first: the path's first segment is not a user.
        var stored = PythonRecordMapper.Map(fields, "Billing/carol", Limits);

        Assert.Equal("carol", stored.User);
        Assert.False(Properties(stored).TryGetProperty("user", out _));
    }

    [Fact]
    public void Map_CPythonRecord_KeepsExtraAndSourceLocationProcessAsContext()
    {
        // What CPython 3.12's HTTPHandler sends for log.info('Paid %s', 'A-1', extra={'order': 'A-1', 'note': None}).
        var stored = PythonRecordMapper.Map(
            Record(("args", "('A-1',)"), ("msg", "Paid %s"), ("levelname", "INFO"), ("pathname", "/srv/shop/pay.py"), ("filename", "pay.py"),
                ("module", "pay"), ("exc_info", "None"), ("exc_text", "None"), ("stack_info", "None"), ("lineno", "42"), ("funcName", "charge"),
                ("created", "1700000000.25"), ("msecs", "250.0"), ("relativeCreated", "12.5"), ("thread", "139693996395392"),
                ("threadName", "MainThread"), ("processName", "MainProcess"), ("process", "29950"), ("taskName", "None"),
                ("order", "A-1"), ("note", "None")),
            "priya",
            Limits);

        Assert.Equal("Paid A-1", stored.Message);
        Assert.Equal("""{"pathname":"/srv/shop/pay.py","lineno":42,"funcName":"charge","order":"A-1"}""", stored.PropertiesJson);
        Assert.Equal("""{"processId":29950}""", stored.ContextJson);
    }

    [Fact]
    public void Map_StackInfoSent_KeptAsProperty()
    {
        var stored = PythonRecordMapper.Map(Record(("stack_info", "Stack (most recent call last):\n  File \"x.py\", line 1")), "priya", Limits);

        Assert.StartsWith("Stack (most recent call last)", Properties(stored).GetProperty("stack_info").GetString(), StringComparison.Ordinal);
        Assert.Null(stored.ContextJson);
    }

    [Fact]
    public void Map_ThreadedLoggingRecord_EventIdAndThreadInContextCategoryNotRepeated()
    {
        // ThreadedLogging's .NET client: pathname is the category, lineno/funcName the EventId, thread the managed thread.
        var stored = PythonRecordMapper.Map(
            Record(("name", "Shop.Pay"), ("pathname", "Shop.Pay"), ("filename", "Shop.Pay"), ("module", "Pay"), ("lineno", "7"), ("funcName", "Charged"),
                ("thread", "12"), ("threadName", "Worker"), ("process", "4242"), ("instanceId", "i-1"), ("sequence", "3"), ("Order", "A-1")),
            "priya",
            Limits);

        Assert.Equal("""{"Order":"A-1"}""", stored.PropertiesJson);
        Assert.Equal("""{"eventId":7,"eventName":"Charged","threadId":12,"threadName":"Worker","processId":4242}""", stored.ContextJson);
    }

    [Fact]
    public void Map_ArgsNotRenderable_ArgsKept()
    {
        var stored = PythonRecordMapper.Map(Record(("msg", "At %s"), ("args", "(datetime.datetime(2026, 11, 24, 10, 0),)")), "priya", Limits);

        Assert.Equal("(datetime.datetime(2026, 11, 24, 10, 0),)", Properties(stored).GetProperty("args").GetString());
    }

    private static Dictionary<string, string> Record(params (string Name, string Value)[] extra)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal) { ["name"] = "app", ["msg"] = "hello", ["levelno"] = "20" };
        foreach (var (name, value) in extra)
        {
            fields[name] = value;
        }

        return fields;
    }

    private static JsonElement Properties(NewEvent stored) => JsonDocument.Parse(stored.PropertiesJson!).RootElement;
}
