using System.Text;
using Google.Protobuf;
using Microsoft.Data.Sqlite;
using ThreadedLogging.Collector.Storage.Sqlite;
using ThreadedLogging.Collector.Tests.Fuzz;
using ThreadedLogging.Collector.Tests.Ingest.Formats;
using ThreadedLogging.Collector.Tests.Support;
using Xunit.Abstractions;

namespace ThreadedLogging.Collector.Tests.Ingest;

/// <summary>
/// A systematic sweep of every HTTP ingest format (JsonBatch, JSON lines, Python's form, CLEF, Seq's raw JSON, OTLP
/// protobuf and JSON) through a real collector (Kestrel, SQLite): each valid seed body cut at many byte positions and with
/// bytes flipped at many seeded positions, plain and gzip (the compressed stream cut and flipped too); each body sent as
/// every other format, with a wrong or missing Content-Type or Content-Encoding; an empty body, a gzip bomb within the body
/// limit, one huge field. Every answer is a 2xx that stored exactly the events the body decodes to, or a 4xx with a reason
/// that stored none (<see cref="HttpFuzzTests.Judge"/>, counted in the database after each request: the tests here are
/// its only writer); never a 5xx, never half a batch.
/// </summary>
public sealed class IngestSweepTests(ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>Positions per body and damage: cuts spread evenly over it, flips at seeded places.</summary>
    private const int Positions = 40;

    private readonly HashSet<string> _bodyKeys = [];
    private CollectorFixture _collector = null!;
    private SqliteConnection _database = null!;

    public static TheoryData<string> HttpFormats => [.. FuzzFormat.All.Values.Where(f => f.Url is not null).Select(f => f.Name)];

    public async Task InitializeAsync()
    {
        _collector = await CollectorFixture.StartAsync();
        _database = new SqliteConnection($"Data Source={Path.Combine(_collector.DataDirectory, SqliteEventStore.FileName)};Mode=ReadOnly;Pooling=False");
        _database.Open();
    }

    public async Task DisposeAsync()
    {
        await _database.DisposeAsync();
        await _collector.DisposeAsync();
    }

    [Theory]
    [MemberData(nameof(HttpFormats))]
    public async Task Ingest_CutOrFlippedBody_AllOfItsEventsOrNone(string name)
    {
        var format = FuzzFormat.All[name];
        var problems = new List<string>();
        var random = new Random(name.Length * 7919); // seeded: the same positions on every run
        foreach (var seed in format.Seeds)
        {
            foreach (var gzip in new[] { false, true })
            {
                var whole = gzip ? Http.Gzip(seed) : seed;
                foreach (var cut in Spread(whole.Length))
                {
                    await SendAsync(format, whole[..cut], gzip, $"cut at {cut} of {whole.Length}", problems);
                }

                for (var i = 0; i < Positions; i++)
                {
                    var flipped = (byte[])whole.Clone();
                    var at = random.Next(flipped.Length);
                    flipped[at] = random.Next(2) == 0 ? (byte)(flipped[at] ^ (1 << random.Next(8))) : (byte)random.Next(256);
                    await SendAsync(format, flipped, gzip, $"byte {at} of {whole.Length} {whole[at]:X2} -> {flipped[at]:X2}", problems);
                }
            }
        }

        Assert.True(problems.Count == 0, $"{problems.Count} wrong answers:\n" + string.Join("\n", problems.Take(20)));
    }

    [Theory]
    [MemberData(nameof(HttpFormats))]
    public async Task Ingest_WrongHeadersEmptyBombOrHugeField_AllOfItsEventsOrNone(string name)
    {
        var format = FuzzFormat.All[name];
        var problems = new List<string>();
        var seed = format.Seeds[0];

        // Sent as each other format: that format's decoder judges it.
        foreach (var other in FuzzFormat.All.Values.Where(f => f.Url is not null && f != format))
        {
            await SendAsync(other, seed, gzip: false, $"a {name} body sent as {other.Name}", problems);
        }

        // Seq's endpoints read CLEF or Seq's JSON whatever the Content-Type (docs/WIRE-FORMAT.md §4), as Seq does; the others refuse another.
        var seq = format.Url is "ingest/clef" or "api/events/raw";
        foreach (var type in new[] { null, "text/plain", "application/octet-stream", "nonsense" })
        {
            var what = $"Content-Type {type ?? "(none)"}";
            await (seq ? SendAsync(format, seed, gzip: false, what, problems, type) : SendRefusedAsync(format.Url!, seed, type, null, what, problems));
        }

        await SendAsync(format, seed, gzip: false, "its Content-Type with a charset", problems, format.ContentType + "; charset=utf-8");
        foreach (var encoding in new[] { "deflate", "br", "gzip", "gzip, gzip", "x-unknown" })
        {
            await SendRefusedAsync(format.Url!, seed, format.ContentType, encoding, $"a plain body with Content-Encoding {encoding}", problems);
        }

        await SendAsync(format, [], gzip: false, "empty body", problems);
        await SendAsync(format, Http.Gzip([]), gzip: true, "empty gzip body", problems);

        // Within the body limit compressed (10 MiB), 40 MiB once inflated: refused while inflating, nothing stored.
        var bomb = Http.Gzip([.. seed, .. new byte[40 * 1024 * 1024]]);
        await SendRefusedAsync(format.Url!, bomb, format.ContentType, "gzip", $"gzip bomb of {bomb.Length} bytes", problems);

        foreach (var length in new[] { 2_000, 200_000, 300_000, 9_000_000 })
        {
            await SendAsync(format, HugeField(format, length), gzip: false, $"one field of {length} characters", problems);
        }

        Assert.True(problems.Count == 0, $"{problems.Count} wrong answers:\n" + string.Join("\n", problems));
        await StillServing.AssertAsync(_collector);
    }

    /// <summary>Sends one case (with the format's Content-Type unless another is given) and judges its answer by the database; a wrong one is added to <paramref name="problems"/>.</summary>
    private async Task SendAsync(FuzzFormat format, byte[] body, bool gzip, string what, List<string> problems, string? contentType = "")
    {
        var before = HttpFuzzTests.StoredEvents(_database);
        var now = DateTimeOffset.UtcNow;
        var type = contentType == string.Empty ? format.ContentType : contentType;
        var (status, mediaType, answer) = await HttpFuzzTests.PostAsync(_collector.Client, format.Url!, body, type, gzip ? "gzip" : null);
        var problem = HttpFuzzTests.Judge(format, body, gzip, now, status, mediaType, answer, HttpFuzzTests.StoredEvents(_database) - before, _bodyKeys);
        if (problem is not null)
        {
            problems.Add($"{format.Name}{(gzip ? " (gzip)" : string.Empty)}, {what}: {problem}");
        }
    }

    /// <summary>Sends a case that must be refused: a 4xx with a reason, nothing stored.</summary>
    private async Task SendRefusedAsync(string url, byte[] body, string? contentType, string? contentEncoding, string what, List<string> problems)
    {
        var before = HttpFuzzTests.StoredEvents(_database);
        var (status, mediaType, answer) = await HttpFuzzTests.PostAsync(_collector.Client, url, body, contentType, contentEncoding);
        var stored = HttpFuzzTests.StoredEvents(_database) - before;
        var reason = status is >= 400 and < 500 ? MalformedVariants.Variant.ReasonOf(mediaType, answer) : null;
        output.WriteLine($"{url}, {what}: {status} {reason}");
        if (status is < 400 or >= 500 || string.IsNullOrWhiteSpace(reason) || stored != 0)
        {
            problems.Add($"{url}, {what}: {status} '{reason ?? Encoding.UTF8.GetString(answer)}', {stored} events stored");
        }
    }

    /// <summary><see cref="Positions"/> cut points over a body of <paramref name="length"/> bytes, its first and last bytes included.</summary>
    private static IEnumerable<int> Spread(int length) =>
        Enumerable.Range(0, Positions).Select(i => (int)((long)i * length / Positions)).Concat([1, length - 1]).Where(cut => cut < length).Distinct();

    /// <summary>The format's first seed with one text field <paramref name="length"/> characters long.</summary>
    private static byte[] HugeField(FuzzFormat format, int length)
    {
        var text = new string('h', length);
        if (format.Name == "otlp-protobuf")
        {
            var request = FuzzSeeds.OtlpRequest(withException: false);
            request.ResourceLogs[0].ScopeLogs[0].LogRecords[0].Attributes[0].Value.StringValue = text;
            return request.ToByteArray();
        }

        var seed = Encoding.UTF8.GetString(format.Seeds[0]);
        var word = new[] { "alice", "carol", "Paid" }.First(w => seed.Contains(w, StringComparison.Ordinal));
        var at = seed.IndexOf(word, StringComparison.Ordinal);
        return Encoding.UTF8.GetBytes(string.Concat(seed.AsSpan(0, at), text, seed.AsSpan(at + word.Length)));
    }
}
