using System.Text.Json;
using Microsoft.Data.Sqlite;
using ThreadedLogging.Collector.Ingest;
using ThreadedLogging.Collector.Ingest.Formats;
using ThreadedLogging.Collector.Ingest.Formats.Otlp.Proto;
using ThreadedLogging.Collector.Storage.Sqlite;
using ThreadedLogging.Collector.Tests.Ingest.Formats;
using ThreadedLogging.Collector.Tests.Support;
using Xunit.Abstractions;

namespace ThreadedLogging.Collector.Tests.Fuzz;

/// <summary>
/// The fuzzer's bodies through a real collector (Kestrel, SQLite), a few hundred requests on every HTTP ingest endpoint
/// (Python's records also as GET queries):
/// never a 5xx; a 4xx has a reason and stores nothing; a 2xx stores exactly the events the same body decodes to (the
/// <c>accepted</c> of the answer, OTLP's partial success), counted in the database after each request — nothing
/// half-written; and a normal client is served at the end.
/// </summary>
public sealed class HttpFuzzTests(ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>Other seeds than the decoder pass's, so that these bodies are new to the decoders too.</summary>
    public const int FirstSeed = DecoderFuzzTests.FirstSeed + 1_000_000;

    public const int CasesPerFormat = 50;

    /// <summary>The collector's Kestrel <c>MaxRequestLineSize</c>: a longer GET query is refused (414) before the app.</summary>
    private const int MaxRequestLine = 128 * 1024;

    private CollectorFixture _collector = null!;

    public async Task InitializeAsync() => _collector = await CollectorFixture.StartAsync();

    public async Task DisposeAsync() => await _collector.DisposeAsync();

    [Fact]
    public async Task Ingest_MutatedRequests_No5xxAndStoredCountIsWhatWasAccepted()
    {
        using var database = new SqliteConnection($"Data Source={Path.Combine(_collector.DataDirectory, SqliteEventStore.FileName)};Mode=ReadOnly;Pooling=False");
        database.Open();
        var problems = new List<string>();
        var requests = 0;
        var accepted = 0;
        var stored = StoredEvents(database);
        var bodyKeys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var fuzz in FuzzFormat.All.Values.Where(f => f.Url is not null))
        {
            for (var n = 0; n < CasesPerFormat; n++)
            {
                var seed = FirstSeed + n;
                var random = new Random(seed);
                var body = fuzz.Body(random);
                var gzip = random.Next(8) == 0;
                var sent = gzip ? Http.Gzip(body) : body;
                var now = DateTimeOffset.UtcNow;

                var (status, mediaType, answer) = await SendAsync(fuzz, sent, gzip);

                var total = StoredEvents(database);
                var problem = Judge(fuzz, sent, gzip, now, status, mediaType, answer, total - stored, bodyKeys);
                stored = total;
                requests++;
                accepted += status < 300 ? 1 : 0;
                if (problem is not null)
                {
                    problems.Add($"{fuzz.Name} seed {seed}{(gzip ? " (gzip)" : string.Empty)}: {problem}\nbase64: {Convert.ToBase64String(sent)}");
                }
            }
        }

        // Python's HTTPHandler with method GET: the same records as query strings (escaped only as far as a URI needs).
        var python = FuzzFormat.All["python-form"];
        for (var n = 0; n < CasesPerFormat; n++)
        {
            var seed = FirstSeed + n;
            var now = DateTimeOffset.UtcNow;
            var (status, mediaType, answer, query) = await GetAsync(python.Url!, python.Body(new Random(seed)));

            var total = StoredEvents(database);
            var problem = status == 414 && query.Length > MaxRequestLine
                ? (total == stored ? null : "414 but events stored") // Kestrel's own refusal of a request line past its limit, without a body
                : Judge(python, query, false, now, status, mediaType, answer, total - stored, bodyKeys);
            stored = total;
            requests++;
            accepted += status < 300 ? 1 : 0;
            if (problem is not null)
            {
                problems.Add($"python-form GET seed {seed}: {problem}\nquery: {System.Text.Encoding.UTF8.GetString(query)}");
            }
        }

        output.WriteLine($"{requests} requests, {accepted} accepted, {stored} events stored");
        Assert.True(problems.Count == 0, string.Join("\n\n", problems.Take(10)));
        await StillServing.AssertAsync(_collector);
    }

    /// <summary>Null when the answer is right: 2xx with exactly the decoded events stored, or a 4xx with a reason and nothing stored.</summary>
    /// <param name="bodyKeys">
    /// The keys of the CLEF, Seq JSON and OTLP bodies this collector took (the body's hash: BodyKey), which it acknowledges
    /// again without storing anything.
    /// </param>
    internal static string? Judge(FuzzFormat fuzz, byte[] sent, bool gzip, DateTimeOffset now, int status, string? mediaType, byte[] answer, long storedNow, HashSet<string> bodyKeys)
    {
        if (status >= 500)
        {
            return $"{status}: {System.Text.Encoding.UTF8.GetString(answer)}";
        }

        if (status >= 400)
        {
            var reason = MalformedVariants.Variant.ReasonOf(mediaType, answer);
            return string.IsNullOrWhiteSpace(reason) ? $"{status} without a reason"
                : storedNow != 0 ? $"{status} '{reason}' but {storedNow} events stored"
                : null;
        }

        DecodedBatch decoded;
        try
        {
            decoded = FuzzHarness.Decode(fuzz.Name, sent, gzip, fuzz.Url!.StartsWith("log/", StringComparison.Ordinal) ? fuzz.Url[4..] : string.Empty, now);
        }
        catch (IngestRejectedException e)
        {
            return $"{status} from the collector, but the decoder refuses the body: {e.Message}";
        }

        var events = decoded.Batch.Events;
        var most = events.Count;
        var least = events.Count(e => e.InstanceId is null || e.Sequence is null); // (instance, sequence) seen before are stored once
        if (decoded.Batch.BatchKey is { } key && BodyKey.IsDerived(key) && !bodyKeys.Add(key))
        {
            (most, least) = (0, 0); // the same body again: a resend, acknowledged and not stored twice
        }

        if (fuzz.Url!.StartsWith("log/", StringComparison.Ordinal))
        {
            var root = JsonDocument.Parse(answer).RootElement;
            if (root.GetProperty("duplicate").GetBoolean())
            {
                (most, least) = (0, 0);
            }
            else if (root.GetProperty("accepted").GetInt32() != events.Count)
            {
                return $"answered accepted={root.GetProperty("accepted").GetInt32()}, the body decodes to {events.Count} events";
            }
        }
        else if (fuzz.Name.StartsWith("otlp", StringComparison.Ordinal))
        {
            var response = mediaType == "application/json"
                ? Google.Protobuf.JsonParser.Default.Parse<ExportLogsServiceResponse>(System.Text.Encoding.UTF8.GetString(answer))
                : ExportLogsServiceResponse.Parser.ParseFrom(answer);
            if ((response.PartialSuccess?.RejectedLogRecords ?? 0) != decoded.Rejected)
            {
                return $"answered {response.PartialSuccess?.RejectedLogRecords ?? 0} records rejected, the body has {decoded.Rejected}";
            }
        }

        return storedNow < least || storedNow > most ? $"{status}: {storedNow} events stored, the body decodes to {events.Count} ({least} without instance and sequence)" : null;
    }

    private Task<(int Status, string? MediaType, byte[] Body)> SendAsync(FuzzFormat fuzz, byte[] body, bool gzip) =>
        PostAsync(_collector.Client, fuzz.Url!, body, fuzz.ContentType, gzip ? "gzip" : null);

    /// <summary>POSTs <paramref name="body"/> as it is, with the headers given (none when null).</summary>
    internal static async Task<(int Status, string? MediaType, byte[] Body)> PostAsync(HttpClient client, string url, byte[] body, string? contentType, string? contentEncoding)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(url, UriKind.Relative)) { Content = new ByteArrayContent(body) };
        if (contentType is not null)
        {
            request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        if (contentEncoding is not null)
        {
            request.Content.Headers.TryAddWithoutValidation("Content-Encoding", contentEncoding);
        }

        using var response = await client.SendAsync(request);
        return ((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsByteArrayAsync());
    }

    /// <summary>GETs <paramref name="url"/> with the record as its query; returns the query as sent (what the collector decodes).</summary>
    private async Task<(int Status, string? MediaType, byte[] Body, byte[] Query)> GetAsync(string url, byte[] record)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_collector.Client.BaseAddress!, url + "?" + QueryOf(record)));
        using var response = await _collector.Client.SendAsync(request);
        return ((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsByteArrayAsync(),
            System.Text.Encoding.UTF8.GetBytes(request.RequestUri!.Query));
    }

    /// <summary>A record as a URI's query: bytes a query may hold as they are (a valid escape too), every other byte escaped.</summary>
    private static string QueryOf(byte[] record)
    {
        var query = new System.Text.StringBuilder(record.Length * 2);
        for (var i = 0; i < record.Length; i++)
        {
            var b = record[i];
            var validEscape = b == '%' && i + 2 < record.Length && Uri.IsHexDigit((char)record[i + 1]) && Uri.IsHexDigit((char)record[i + 2]);
            if (validEscape || (b < 0x80 && b != '%' && (char.IsAsciiLetterOrDigit((char)b) || "-._~!$&'()*+,;=:@/?".Contains((char)b, StringComparison.Ordinal))))
            {
                query.Append((char)b);
            }
            else
            {
                query.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return query.ToString();
    }

    internal static long StoredEvents(SqliteConnection database)
    {
        using var command = database.CreateCommand();
        command.CommandText = "SELECT count(*) FROM events";
        return (long)command.ExecuteScalar()!;
    }
}
