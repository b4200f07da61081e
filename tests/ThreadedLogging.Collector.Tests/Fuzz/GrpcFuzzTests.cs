using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Data.Sqlite;
using ThreadedLogging.Collector.Ingest;
using ThreadedLogging.Collector.Ingest.Formats;
using ThreadedLogging.Collector.Ingest.Formats.Otlp.Proto;
using ThreadedLogging.Collector.Storage.Sqlite;
using ThreadedLogging.Collector.Tests.Support;
using Xunit.Abstractions;
using ThreadedLogging.Testing;

namespace ThreadedLogging.Collector.Tests.Fuzz;

/// <summary>
/// The OTLP protobuf fuzzer's bodies through a real collector's OTLP/gRPC endpoint (HTTP/2, Grpc.Net.Client), as
/// <see cref="HttpFuzzTests"/> does for HTTP: never INTERNAL or UNKNOWN; INVALID_ARGUMENT has a reason and stores
/// nothing; OK stores exactly the events the same body decodes to and reports the rejected records the decoder
/// counts — nothing half-written; and a normal export is served at the end.
/// </summary>
public sealed class GrpcFuzzTests(ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>Other seeds than the decoder and HTTP passes', so that these bodies are new to the decoder too.</summary>
    public const int FirstSeed = HttpFuzzTests.FirstSeed + 1_000_000;

    /// <summary>Gets how many exports a run makes: 300, or <c>TL_FUZZ_CASES</c> for a longer hunt.</summary>
    public static int Cases { get; } = int.TryParse(Environment.GetEnvironmentVariable("TL_FUZZ_CASES"), out var cases) ? cases : 300;

    private static readonly Marshaller<byte[]> Bytes = Marshallers.Create(bytes => bytes, bytes => bytes);

    private static readonly Method<byte[], byte[]> Export = new(MethodType.Unary, "opentelemetry.proto.collector.logs.v1.LogsService", "Export", Bytes, Bytes);

    private CollectorFixture _collector = null!;
    private GrpcChannel _channel = null!;

    public async Task InitializeAsync()
    {
        _collector = await CollectorFixture.StartWithOtlpGrpcAsync();
        _channel = GrpcChannel.ForAddress($"http://127.0.0.1:{_collector.OtlpGrpcPort}");
    }

    public async Task DisposeAsync()
    {
        _channel.Dispose();
        await _collector.DisposeAsync();
    }

    [Fact]
    public async Task Export_MutatedRequests_NoInternalErrorAndStoredCountIsWhatWasAccepted()
    {
        using var database = new SqliteConnection($"Data Source={Path.Combine(_collector.DataDirectory, SqliteEventStore.FileName)};Mode=ReadOnly;Pooling=False");
        database.Open();
        var fuzz = FuzzFormat.All["otlp-protobuf"];
        var problems = new List<string>();
        var accepted = 0;
        var stored = StoredEvents(database);
        var bodyKeys = new HashSet<string>(StringComparer.Ordinal);
        for (var n = 0; n < Cases; n++)
        {
            var seed = FirstSeed + n;
            var body = fuzz.Body(seed);
            var now = DateTimeOffset.UtcNow;

            var (status, detail, answer) = await ExportAsync(body);

            var total = StoredEvents(database);
            var problem = Judge(body, now, status, detail, answer, total - stored, bodyKeys);
            stored = total;
            accepted += status == StatusCode.OK ? 1 : 0;
            if (problem is not null)
            {
                problems.Add($"seed {seed}: {problem}\nbase64: {Convert.ToBase64String(body)}");
            }
        }

        output.WriteLine($"{Cases} exports, {accepted} accepted, {stored} events stored");
        Assert.True(problems.Count == 0, string.Join("\n\n", problems.Take(10)));
        Assert.True(accepted > Cases / 10, $"only {accepted} of {Cases} exports were accepted: the mutations hide the decoder");

        var (last, lastDetail, _) = await ExportAsync(fuzz.Seeds[0]);
        Assert.True(last == StatusCode.OK, $"a valid export after the fuzzing: {last} {lastDetail}");
    }

    /// <summary>Null when the answer is right: OK with exactly the decoded events stored, or INVALID_ARGUMENT with a reason and nothing stored.</summary>
    /// <param name="bodyKeys">The keys of the bodies this collector took (BodyKey), which it acknowledges again without storing anything.</param>
    private static string? Judge(byte[] body, DateTimeOffset now, StatusCode status, string detail, byte[] answer, long storedNow, HashSet<string> bodyKeys)
    {
        if (status == StatusCode.InvalidArgument)
        {
            return string.IsNullOrWhiteSpace(detail) ? "INVALID_ARGUMENT without a reason"
                : storedNow != 0 ? $"INVALID_ARGUMENT '{detail}' but {storedNow} events stored"
                : null;
        }

        if (status != StatusCode.OK)
        {
            return $"{status}: {detail}";
        }

        DecodedBatch decoded;
        try
        {
            decoded = FuzzHarness.Decode("otlp-protobuf", body, gzip: false, string.Empty, now);
        }
        catch (IngestRejectedException e)
        {
            return $"OK from the collector, but the decoder refuses the body: {e.Message}";
        }

        var response = ExportLogsServiceResponse.Parser.ParseFrom(answer);
        if ((response.PartialSuccess?.RejectedLogRecords ?? 0) != decoded.Rejected)
        {
            return $"answered {response.PartialSuccess?.RejectedLogRecords ?? 0} records rejected, the body has {decoded.Rejected}";
        }

        var events = decoded.Batch.Events;
        var most = events.Count;
        var least = events.Count(e => e.InstanceId is null || e.Sequence is null); // (instance, sequence) seen before are stored once
        if (decoded.Batch.BatchKey is { } key && BodyKey.IsDerived(key) && !bodyKeys.Add(key))
        {
            (most, least) = (0, 0); // the same body again: a resend, acknowledged and not stored twice
        }

        return storedNow < least || storedNow > most ? $"OK: {storedNow} events stored, the body decodes to {events.Count} ({least} without instance and sequence)" : null;
    }

    private async Task<(StatusCode Status, string Detail, byte[] Answer)> ExportAsync(byte[] body)
    {
        try
        {
            var answer = await _channel.CreateCallInvoker().AsyncUnaryCall(Export, null, default, body);
            return (StatusCode.OK, string.Empty, answer);
        }
        catch (RpcException e)
        {
            return (e.StatusCode, e.Status.Detail, []);
        }
    }

    private static long StoredEvents(SqliteConnection database)
    {
        using var command = database.CreateCommand();
        command.CommandText = "SELECT count(*) FROM events";
        return (long)command.ExecuteScalar()!;
    }
}
