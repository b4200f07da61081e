using System.Text;
using Google.Protobuf;
using ThreadedLogging.Collector.Ingest.Formats.Otlp.Proto;

namespace ThreadedLogging.Collector.Tests.Fuzz;

/// <summary>
/// One ingest format under fuzzing: its decoder (the SQS <c>tl-format</c> name), its valid seeds, how its bodies are
/// mutated, and where HTTP takes it. <see cref="Body"/> gives the same bytes for the same seed on every run.
/// </summary>
internal sealed class FuzzFormat
{
    private readonly Func<Random, byte[], byte[]>? _structural;
    private readonly string[] _tokens;

    private FuzzFormat(string name, byte[][] seeds, string[] tokens, Func<Random, byte[], byte[]>? structural, string? url, string? contentType)
    {
        Name = name;
        Seeds = seeds;
        _tokens = tokens;
        _structural = structural;
        Url = url;
        ContentType = contentType;
    }

    /// <summary>Gets every format, by its decoder's name.</summary>
    public static IReadOnlyDictionary<string, FuzzFormat> All { get; } = new FuzzFormat[]
    {
        new("json-batch", FuzzSeeds.JsonBatch, FuzzTokens.Json, null, "log/fuzz", "application/json"),
        new("json-lines", FuzzSeeds.JsonLines, FuzzTokens.Json, null, "log/fuzz", "application/x-ndjson"),
        new("python-form", FuzzSeeds.PythonForm, FuzzTokens.PythonForm, PythonMutator.MutateForm, "log/fuzz", "application/x-www-form-urlencoded"),
        new("seed-record", FuzzSeeds.SeedRecord, [.. FuzzTokens.Json, .. FuzzTokens.PercentDirectives], PythonMutator.MutateSeedRecord, null, null),
        new("clef", FuzzSeeds.Clef, FuzzTokens.Clef, null, "ingest/clef", "application/vnd.serilog.clef"),
        new("seq-json", FuzzSeeds.SeqJson, FuzzTokens.SeqJson, null, "api/events/raw", "application/json"),
        new("otlp-protobuf", FuzzSeeds.OtlpProtobuf, [], MutateProtobuf, "v1/logs", "application/x-protobuf"),
        new("otlp-json", FuzzSeeds.OtlpJson, FuzzTokens.OtlpJson, null, "v1/logs", "application/json"),
    }.ToDictionary(f => f.Name, StringComparer.Ordinal);

    public string Name { get; }

    public byte[][] Seeds { get; }

    /// <summary>Gets the path HTTP posts this format to, or null when only SQS carries it.</summary>
    public string? Url { get; }

    public string? ContentType { get; }

    /// <summary>The mutated body of case <paramref name="seed"/>: a valid seed, a structural mutation (when the format has one) and/or byte mutations.</summary>
    public byte[] Body(int seed) => Body(new Random(seed));

    public byte[] Body(Random random)
    {
        var mutator = new Mutator(random, Seeds, _tokens.Length > 0 ? _tokens : ["\0"]);
        var body = mutator.Pick(Seeds);
        if (Name == "otlp-json" && random.Next(3) == 0)
        {
            return OtlpJsonOf(OtlpMutator.Mutate(random, mutator.Pick(FuzzSeeds.OtlpProtobuf)));
        }

        var structural = _structural is not null && random.Next(2) == 0;
        if (structural)
        {
            body = _structural!(random, body);
        }

        return !structural || random.Next(3) == 0 ? mutator.Mutate(body) : body;
    }

    private static byte[] MutateProtobuf(Random random, byte[] body) => random.Next(3) switch
    {
        0 => OtlpMutator.Mutate(random, body),
        1 => ProtobufWireMutator.Mutate(random, body),
        _ => ProtobufWireMutator.Mutate(random, OtlpMutator.Mutate(random, body)),
    };

    /// <summary>
    /// An export as OTLP/JSON: the ids must be hex, and the decoder reads them as base64 first, so an id is replaced by
    /// the bytes whose base64 is its hex (a 16-byte id is 32 hex digits = 24 bytes of base64 without padding).
    /// </summary>
    private static byte[] OtlpJsonOf(byte[] protobuf)
    {
        // The mutator nests values past the parser's default recursion limit (100) on purpose: read them back whole.
        var request = new ExportLogsServiceRequest();
        request.MergeFrom(CodedInputStream.CreateWithLimits(new MemoryStream(protobuf), int.MaxValue, 1000));
        foreach (var record in request.ResourceLogs.SelectMany(r => r.ScopeLogs).SelectMany(s => s.LogRecords))
        {
            record.TraceId = HexAsBase64(record.TraceId);
            record.SpanId = HexAsBase64(record.SpanId);
        }

        return Encoding.UTF8.GetBytes(JsonFormatter.Default.Format(request));
    }

    private static ByteString HexAsBase64(ByteString id)
    {
        var hex = Convert.ToHexStringLower(id.Span);
        return hex.Length % 4 == 0 ? ByteString.CopyFrom(Convert.FromBase64String(hex)) : id;
    }

    public override string ToString() => Name;
}
