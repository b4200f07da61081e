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
