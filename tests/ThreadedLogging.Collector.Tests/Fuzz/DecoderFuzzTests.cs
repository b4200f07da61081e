using System.Text;
using Amazon.SQS.Model;
using ThreadedLogging.Collector.Ingest;
using ThreadedLogging.Collector.Ingest.Sqs;
using ThreadedLogging.Collector.Tests.Support;
using Xunit.Abstractions;

namespace ThreadedLogging.Collector.Tests.Fuzz;

/// <summary>
/// Seeded mutation fuzzing of every decoder, called directly (thousands of cases per format): each mutated body must
/// decode to storable events or be refused with a 4xx and a reason — never another exception, never a hang. Case
/// <c>n</c> of a format is <c>FuzzFormat.All[format].Body(new Random(seed))</c> with seed <see cref="FirstSeed"/> + n, and
/// whether it is gzipped comes from the same <see cref="Random"/>, so a failure reproduces from the seed the message
/// gives (with its body in base64).
/// </summary>
public sealed class DecoderFuzzTests(ITestOutputHelper output)
{
    public const int FirstSeed = 20261202;

    /// <summary>
    /// Gets the cases per format: 3000, which keeps the whole fuzz suite within ~20 s on two cores. A longer hunt sets
    /// <c>TL_FUZZ_CASES</c> (and <c>TL_FUZZ_FIRST_SEED</c> for other seeds); the seeds a failure names reproduce it either way.
    /// </summary>
    public static int CasesPerFormat { get; } = int.TryParse(Environment.GetEnvironmentVariable("TL_FUZZ_CASES"), out var cases) ? cases : 3000;

    private static int First { get; } = int.TryParse(Environment.GetEnvironmentVariable("TL_FUZZ_FIRST_SEED"), out var first) ? first : FirstSeed;

    public static TheoryData<string> Formats => [.. FuzzFormat.All.Keys];

    [Theory]
    [MemberData(nameof(Formats))]
    public void Decode_MutatedBodies_EventsOrRejectionWithReason(string format)
    {
        var fuzz = FuzzFormat.All[format];
        var failures = new Failures(format);

        // OTLP/JSON gets half as many: Google.Protobuf's JSON parser is the slowest decoder by far (~2-4 MB/s here).
        var cases = format == "otlp-json" ? CasesPerFormat / 2 : CasesPerFormat;
        var making = new System.Diagnostics.Stopwatch();
        var decoding = new System.Diagnostics.Stopwatch();
        long bytes = 0;
        for (var n = 0; n < cases; n++)
        {
            var seed = First + n;
            var random = new Random(seed);
            making.Start();
            var body = fuzz.Body(random);
            var gzip = random.Next(16) == 0;
            var sent = gzip ? Gzipped(random, body) : body;
            making.Stop();
            bytes += sent.Length;
            decoding.Start();
            failures.Add(seed, sent, gzip, FuzzHarness.Judge(() => FuzzHarness.Decode(format, sent, gzip, "fuzz", FuzzHarness.Now).Batch.Events));
            decoding.Stop();
        }

        output.WriteLine($"{format}: {cases} cases, seeds {First}..{First + cases - 1}, {bytes / cases} bytes on average; making {making.Elapsed.TotalSeconds:F1} s, decoding {decoding.Elapsed.TotalSeconds:F1} s");
        failures.AssertNone();
    }

    [Fact]
    public void DecodeSqsMessage_MutatedMessages_EventsOrRejectionWithReason()
    {
        var decoder = new SqsMessageDecoder(FuzzHarness.Decoders);
        var failures = new Failures("sqs");
        for (var n = 0; n < CasesPerFormat; n++)
        {
            var seed = First + n;
            var message = SqsMessage(new Random(seed));
            failures.Add(seed, Encoding.UTF8.GetBytes(message.Body), false,
                FuzzHarness.Judge(() =>
                {
                    var (batch, held) = decoder.Decode(message, "fuzz-queue", FuzzHarness.Limits(FuzzHarness.Now));
                    held.Dispose();
                    return batch.Events;
                }),
                $" (tl-format {message.MessageAttributes.GetValueOrDefault(SqsWire.FormatAttribute)?.StringValue ?? "none"})");
        }

        failures.AssertNone();
    }

    /// <summary>
    /// An SQS message as a producer would send one (text bodies as they are, binary and <c>+gzip</c> ones base64), mutated
    /// body or not, with its <c>tl-format</c> sometimes missing, unknown or another format's, and odd dedupe ids.
    /// </summary>
    private static Message SqsMessage(Random random)
    {
        var formats = FuzzFormat.All.Values.ToArray();
        var fuzz = formats[random.Next(formats.Length)];
        var bytes = random.Next(2) == 0 ? fuzz.Body(random) : fuzz.Seeds[random.Next(fuzz.Seeds.Length)];
        var format = fuzz.Name;
        string body;
        if (random.Next(4) == 0)
        {
            format += IngestDecoders.GzipSuffix;
            body = Convert.ToBase64String(Http.Gzip(bytes));
        }
        else
        {
            body = fuzz.Name == "otlp-protobuf" ? Convert.ToBase64String(bytes) : Encoding.UTF8.GetString(bytes);
        }

        if (random.Next(5) == 0)
        {
            body = Encoding.UTF8.GetString(new Mutator(random, fuzz.Seeds, ["=", "==", "\0", "{\"events\":[]}", "{\"msg\":1}"]).Mutate(Encoding.UTF8.GetBytes(body)));
        }

        var attributes = new Dictionary<string, MessageAttributeValue>();
        var formatAttribute = random.Next(8) switch
        {
            0 => null,
            1 => formats[random.Next(formats.Length)].Name + (random.Next(2) == 0 ? IngestDecoders.GzipSuffix : string.Empty),
            2 => new[] { "nope", "+gzip", "json-batch+gzip+gzip", string.Empty, "JSON-BATCH" }[random.Next(5)],
            _ => format,
        };
        if (formatAttribute is not null)
        {
            attributes[SqsWire.FormatAttribute] = new MessageAttributeValue { DataType = "String", StringValue = formatAttribute };
        }

        if (random.Next(6) == 0)
        {
            attributes[SqsWire.DedupeIdAttribute] = new MessageAttributeValue { DataType = "String", StringValue = new[] { "d-1", string.Empty, new string('d', 1025) }[random.Next(3)] };
        }

        return new Message { MessageId = "m-" + random.Next(), Body = body, MessageAttributes = attributes };
    }

    /// <summary>A gzip of the body, sometimes with the compressed bytes mutated too.</summary>
    private static byte[] Gzipped(Random random, byte[] body)
    {
        var gzip = Http.Gzip(body);
        return random.Next(2) == 0 ? gzip : new Mutator(random, [gzip], ["\0"]).MutateOnce(gzip);
    }

    /// <summary>The failures of one run, one per distinct defect (its shortest input), reported together.</summary>
    private sealed class Failures(string format)
    {
        private readonly Dictionary<string, (int Seed, byte[] Body, bool Gzip, string Problem, string Note, int Count)> _bySignature = new(StringComparer.Ordinal);

        public void Add(int seed, byte[] body, bool gzip, string? problem, string note = "")
        {
            if (problem is null)
            {
                return;
            }

            var signature = FuzzHarness.Signature(problem);
            var count = 1;
            if (_bySignature.TryGetValue(signature, out var known))
            {
                count = known.Count + 1;
                if (known.Body.Length <= body.Length)
                {
                    _bySignature[signature] = known with { Count = count };
                    return;
                }
            }

            _bySignature[signature] = (seed, body, gzip, problem, note, count);
        }

        public void AssertNone()
        {
            if (_bySignature.Count == 0)
            {
                return;
            }

            var report = new StringBuilder($"{format}: {_bySignature.Count} distinct defect(s)\n");
            foreach (var (signature, f) in _bySignature)
            {
                var base64 = Convert.ToBase64String(f.Body);
                report.Append($"\n== {signature}: {f.Count} case(s); shortest: seed {f.Seed}{f.Note}{(f.Gzip ? ", gzip" : string.Empty)}, {f.Body.Length} bytes\n")
                    .Append(f.Problem.Length > 3000 ? f.Problem[..3000] : f.Problem).Append('\n')
                    .Append("base64: ").Append(base64.Length > 6000 ? base64[..6000] + "… (cut; rebuild it from the seed)" : base64).Append('\n');
            }

            Assert.Fail(report.ToString());
        }
    }
}
