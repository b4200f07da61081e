using System.Text.Json;
using Kind = ThreadedLogging.Collector.Tests.Fuzz.QueryFuzzValues.Kind;

namespace ThreadedLogging.Collector.Tests.Fuzz;

/// <summary>
/// Seeded hostile requests for the level-rules API: <c>POST /api/levels</c> bodies (fields dropped, added,
/// of the wrong type, huge, deeply nested; invalid levels, pattern metacharacters, expiries in the past and
/// far future), <c>DELETE</c> of odd ids, <c>GET /api/levels</c> and <c>/api/levels/effective</c> with odd parameters.
/// </summary>
internal sealed class LevelRuleFuzzRequests(int seed, QueryFuzzKeys keys)
{
    private static readonly string[] Fields = ["app", "version", "user", "machine", "category", "level", "duration", "expires"];

    private static readonly string[] Patterns = ["Payroll.*", "*", "**", "[a-z]+", "(?<x>", "\\", "%", "_", "a.b.*.c", "..", "^$", "Pay|roll", "a{1000000}", "(a+)+$", "\0", "<b>x</b>"];

    private static readonly string[] Durations =
    [
        "01:00:00", "00:00:01", "00:00:00", "-00:00:01", "24:00:00", "23:59:59", "1.00:00:00", "1.00:00:00.0000001", "00:60:00",
        "10675199.02:48:05.4775807", "-10675199.02:48:05.4775808", "99999999.00:00:00", "10675198.00:00:00", "3650000.00:00:00", "P1D", "1e9", "", " ", "1",
    ];

    private static readonly string[] Expiries =
    [
        "2026-12-31T00:00:00Z", "2001-01-01T00:00:00Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.9999999Z", "9999-12-31T23:59:59-14:00",
        "0001-01-01T00:00:00+14:00", "2099-01-01", "now", "", "10000-01-01T00:00:00Z", "2026-12-02T05:00:00+05:30",
    ];

    private readonly Random _random = new(seed);
    private readonly QueryFuzzValues _values = new(new Random(seed + 1));

    private int Next(int max) => _random.Next(max);

    private T Pick<T>(IReadOnlyList<T> items) => items[Next(items.Count)];

    public IEnumerable<QueryFuzzRequest> Generate(int count)
    {
        for (var i = 0; i < count; i++)
        {
            yield return Next(10) switch
            {
                < 7 => Post(),
                7 => new QueryFuzzRequest(HttpMethod.Delete, "api/levels/" + (Next(2) == 0 ? _values.Value(Kind.Number) : Pick(["1", "2", "0", "-1"])), keys.Admin),
                8 => new QueryFuzzRequest(HttpMethod.Get, "api/levels" + Pick(["", "?limit=-1", "?x=%00", "/" + _values.Value(Kind.Number)]), keys.Read),
                _ => new QueryFuzzRequest(HttpMethod.Get, "api/levels/effective?" + string.Join("&",
                    Enumerable.Range(0, Next(5)).Select(_ => Pick(["app", "version", "user", "machine", "app", "category"]) + "=" + _values.Value(Kind.Text))), keys.Ingest),
            };
        }
    }

    private QueryFuzzRequest Post()
    {
        var body = Next(12) == 0 ? WholeBody() : Object();
        var contentType = Next(15) switch
        {
            0 => null,
            1 => "text/plain",
            2 => "application/x-www-form-urlencoded",
            3 => "application/json; charset=latin1",
            _ => "application/json",
        };
        return new QueryFuzzRequest(HttpMethod.Post, "api/levels", keys.Admin, body, contentType);
    }

    /// <summary>A rule object, valid at first, then mutated field by field.</summary>
    private string Object()
    {
        var fields = new Dictionary<string, string>
        {
            [Pick(["user", "app", "machine", "version"])] = Json(Pick(["alice", "Payroll", "PC-1", "2.3.1"])),
            ["level"] = Json(Pick(["Debug", "Trace", "Warning", "warn", "5", "0"])),
            [Next(2) == 0 ? "duration" : "expires"] = Next(2) == 0 ? Json("01:00:00") : Json("2026-12-02T12:00:00Z"),
        };
        if (Next(2) == 0)
        {
            fields["category"] = Json(Pick(Patterns));
        }

        for (var mutations = Next(4); mutations > 0; mutations--)
        {
            var field = Next(4) == 0 ? Pick(["id", "createdBy", "created", "extra", "", "USER", "Level", "\u0000"]) : Pick(Fields);
            fields[field] = FieldValue(field);
            if (Next(5) == 0)
            {
                fields.Remove(Pick(Fields));
            }
        }

        var members = fields.Select(f => Json(f.Key) + ":" + f.Value).ToList();
        if (Next(10) == 0 && members.Count > 0)
        {
            members.Add(members[0]); // duplicate key
        }

        return "{" + string.Join(",", members) + "}";
    }

    private string FieldValue(string field) => Next(10) switch
    {
        0 => Pick(["1", "-1", "1e400", "true", "null", "[]", "{}", "[\"Debug\"]", "{\"a\":1}", "0.5", "9223372036854775808"]),
        1 => new string('[', 5000) + new string(']', 5000),
        2 => Json(new string('x', Pick([256, 257, 1025, 100_000]))),
        3 => Pick(["\"\\ud800\"", "\"a\\u0000b\"", "\"\\udc00x\"", "\"\\\"\"", "\"\\u202e\"", "\" \"", "\"\""]),
        4 => Json(_values.Mutate(Pick(Durations))),
        _ => field switch
        {
            "duration" => Json(Pick(Durations)),
            "expires" => Json(Pick(Expiries)),
            "level" => Json(Pick(["Trace", "Debug", "Information", "Warning", "Error", "Critical", "None", "6", "-1", "Loud", "debug ", ""])),
            "category" => Json(Pick(Patterns)),
            _ => Json(_values.Compose()),
        },
    };

    private string WholeBody() => Pick(
    [
        "", "null", "[]", "{", "}", "\"str\"", "1", "true", "{}", "\uFEFF{\"user\":\"a\",\"level\":\"Debug\",\"duration\":\"01:00:00\"}",
        new string('[', 100_000), new string('{', 3) + "\"a\":" + new string('[', 70) + new string(']', 70) + "}}}", "{\"user\":\"a\"}{\"user\":\"b\"}",
        "user=a&level=Debug&duration=01:00:00", "{\"user\":\"a\",\"level\":\"Debug\",\"duration\":\"01:00:00\",}", "{'user':'a'}", "\0",
    ]);

    private static string Json(string value) => JsonSerializer.Serialize(value);
}
