using System.Text;
using Kind = ThreadedLogging.Collector.Tests.Fuzz.QueryFuzzValues.Kind;

namespace ThreadedLogging.Collector.Tests.Fuzz;

/// <summary>
/// Seeded hostile requests for the read API (docs/QUERY.md): events, one event and its context, the live
/// stream, the export, users; with known, unknown, repeated and oddly spelled parameters. Level rules: see
/// <see cref="LevelRuleFuzzRequests"/>.
/// </summary>
internal sealed class QueryFuzzRequests(int seed, QueryFuzzKeys keys, QueryFuzzKnown known)
{
    private static readonly (string Name, Kind Kind)[] EventParameters =
    [
        ("app", Kind.Text), ("user", Kind.Text), ("machine", Kind.Text), ("instance", Kind.Text), ("path", Kind.Text),
        ("traceId", Kind.TraceId), ("noUser", Kind.Bool),
        ("level", Kind.Level), ("levels", Kind.Levels), ("from", Kind.Time), ("to", Kind.Time), ("q", Kind.Search), ("q", Kind.Search),
        ("limit", Kind.Number), ("before", Kind.EventCursor),
    ];

    /// <summary>The export's: the list's filters and <c>before</c>, <c>format</c> (twice as likely), and <c>limit</c>, which it refuses.</summary>
    private static readonly (string Name, Kind Kind)[] ExportParameters = [.. EventParameters, ("format", Kind.Format), ("format", Kind.Format)];

    private static readonly (string Name, Kind Kind)[] UserParameters =
    [
        ("search", Kind.Text), ("sort", Kind.Sort), ("from", Kind.Time), ("to", Kind.Time), ("limit", Kind.Number), ("after", Kind.UserCursor),
    ];

    private static readonly string[] OddNames = ["foo", "Q", "LIMIT", "%71", "", "q[]", "q.x", "apiKey", "%00", "_", "before%00", "userr", "%EF%BB%BFq"];

    private readonly Random _random = new(seed);
    private readonly QueryFuzzValues _values = new(new Random(seed + 1))
    {
        TextValues = known.TextValues,
        EventCursors = [.. known.EventCursors, .. known.UserCursors],
        UserCursors = [.. known.UserCursors, .. known.EventCursors, Convert.ToBase64String(Encoding.UTF8.GetBytes("9223372036854775807|x")),
            Convert.ToBase64String(Encoding.UTF8.GetBytes("-9223372036854775808|")), Convert.ToBase64String(Encoding.UTF8.GetBytes("no bar")),
            Convert.ToBase64String([0x31, 0x7C, 0xED, 0xA0, 0x80]), Convert.ToBase64String([0x31, 0x7C, 0x00]), "====", "-_-_", "a"],
    };

    private int Next(int max) => _random.Next(max);

    private T Pick<T>(IReadOnlyList<T> items) => items[Next(items.Count)];

    /// <summary>All the read requests of this seed: <paramref name="count"/> in all, in a fixed mix.</summary>
    public IEnumerable<QueryFuzzRequest> Generate(int count)
    {
        for (var i = 0; i < count; i++)
        {
            yield return Next(22) switch
            {
                < 10 => Get("api/events" + QueryString(EventParameters)),
                >= 20 => Get(Export()),
                < 13 => Get("api/users" + QueryString(UserParameters)),
                < 16 => Get(EventPath()),
                < 18 => Stream(),
                18 => SignIn(),
                _ => Auth(),
            };
        }
    }

    private QueryFuzzRequest Get(string target) => new(HttpMethod.Get, target, keys.Read);

    private string QueryString(IReadOnlyList<(string Name, Kind Kind)> parameters)
    {
        var count = Next(6);
        if (count == 0)
        {
            return Pick(["", "?", "?&", "?=", "?&&&"]);
        }

        var parts = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var (name, kind) = Next(10) == 0 ? (Pick(OddNames), (Kind)Next(9)) : Pick(parameters);
            if (Next(10) == 0 && parts.Count > 0)
            {
                parts.Add(parts[^1]); // repeated parameter
            }

            parts.Add(Next(25) == 0 ? name : name + "=" + _values.Value(kind));
        }

        return "?" + string.Join(Pick(["&", "&", "&", "&&", ";"]), parts);
    }

    /// <summary>An export; a third of them asks for CSV on top of whatever the query string holds.</summary>
    private string Export()
    {
        var query = QueryString(ExportParameters);
        return "api/events/export" + (Next(3) == 0 ? query + (query.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "format=csv" : query);
    }

    private string EventPath()
    {
        var id = Next(3) == 0 ? _values.Value(Kind.Number) : Pick(known.EventIds);
        return Next(2) == 0
            ? "api/events/" + id + (Next(4) == 0 ? QueryString([("count", Kind.Number)]) : string.Empty)
            : "api/events/" + id + "/context" + QueryString([("count", Kind.Number), ("count", Kind.Number), ("limit", Kind.Number)]);
    }

    private QueryFuzzRequest Stream()
    {
        var position = known.StreamPosition;
        var dot = position.IndexOf('.', StringComparison.Ordinal);
        var epoch = position[..dot];
        string? lastEventId = Next(8) switch
        {
            0 => null,
            1 => position,
            2 => _values.Mutate(position),
            3 => epoch + "." + Pick(["9223372036854775807", "0", "1", "99999999", "-1", "1e3", ""]) + "." + Pick(["-1", "0", "2147483647", "2147483648", "x"]),
            4 => Pick(["", "...", ".", "0.0.0", "abc", "😀", new string('9', 5000)]),
            5 => "000000000000." + position[(dot + 1)..],
            6 => Pick(known.EventCursors),
            _ => Pick(known.UserCursors),
        };
        // Header values must be printable ASCII for HttpClient; anything else is sent as its percent-encoding.
        if (lastEventId is not null && lastEventId.Any(c => c is < ' ' or > '~'))
        {
            lastEventId = QueryFuzzValues.Encode(lastEventId);
        }

        return new QueryFuzzRequest(HttpMethod.Get, "api/events/stream" + QueryString(EventParameters), keys.Read, LastEventId: lastEventId);
    }

    /// <summary>The support page's sign-in form: keys right and wrong, repeated fields, odd encodings and content types.</summary>
    private QueryFuzzRequest SignIn()
    {
        var form = Next(8) switch
        {
            0 => string.Join('&', Enumerable.Range(0, 1000 + Next(1100)).Select(i => "f" + i + "=1")),
            1 => "key=" + keys.Read + "&key=" + keys.Admin,
            2 => "--x\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\n" + keys.Read + (Next(2) == 0 ? "\r\n--x--\r\n" : string.Empty),
            3 => "key=" + keys.Read,
            _ => "key=" + _values.Value((Kind)Next(9)),
        };
        var contentType = Pick<string?>(["application/x-www-form-urlencoded", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "multipart/form-data", "application/json", null, "application/x-www-form-urlencoded; charset=foo"]);
        return new QueryFuzzRequest(HttpMethod.Post, "auth/sign-in", null, form, contentType);
    }

    /// <summary>A sample without the read key, or with a wrong one: 401.</summary>
    private QueryFuzzRequest Auth() => Get(Pick(["api/events", "api/users", "api/events/1", "api/events/1/context", "api/events/stream", "api/events/export", "api/levels"])) with
    {
        Key = Pick<string?>([null, keys.Ingest, keys.Read + "x", keys.Read[..^1], keys.Read.ToUpperInvariant(), " ", "%00"]),
    };
}
