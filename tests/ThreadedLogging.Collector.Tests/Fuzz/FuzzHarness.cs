using System.Text;
using System.Text.Json;
using ThreadedLogging.Collector.Ingest;
using ThreadedLogging.Collector.Ingest.Formats;
using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Tests.Fuzz;

/// <summary>
/// Runs one fuzz case as ingest does (capped gunzip and UTF-8 check, then the decoder) and judges it: events that
/// can be stored (well-formed text, JSON objects in the JSON columns), or an <see cref="IngestRejectedException"/>
/// with a 4xx and a reason. Anything else is a defect, described with the exception; so is a case that has not
/// finished after <see cref="HangGuard"/> (a hang detector, generous on purpose: not a speed limit).
/// </summary>
internal static class FuzzHarness
{
    /// <summary>The decoders' clock: fixed, so that a case decodes the same on every run.</summary>
    public static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    public static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(10);

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static IngestDecoders Decoders { get; } = IngestDecoders.Create(new IdentityPropertyOptions());

    public static CollectorOptions Options { get; } = new();

    public static IngestLimits Limits(DateTimeOffset now) => new(Options, now);

    /// <summary>Decodes <paramref name="body"/> as HTTP ingest would (<paramref name="gzip"/>: Content-Encoding: gzip).</summary>
    public static DecodedBatch Decode(string format, byte[] body, bool gzip, string path, DateTimeOffset now)
    {
        var decoder = Decoders.ForName(format)!;
        using var received = new ReceivedBody(body, gzip ? ContentCoding.Gzip : ContentCoding.Identity);
        using var content = RequestBodyReader.Decode(received, Options.MaxRequestBodyBytes, decoder.IsText);
        return decoder.Decode(new IngestRequest(content.Memory, path, null), Limits(now));
    }

    /// <summary>Null when the case ends as it should; else what went wrong.</summary>
    public static string? Judge(Func<IReadOnlyList<NewEvent>> decode)
    {
        var run = Task.Run(() =>
        {
            try
            {
                return Storable(decode());
            }
            catch (IngestRejectedException e)
            {
                return e.StatusCode is >= 400 and < 500 && !string.IsNullOrWhiteSpace(e.Message)
                    ? null
                    : $"refused with {e.StatusCode} and reason '{e.Message}'";
            }
            catch (Exception e)
            {
                return e.ToString();
            }
        });
        return run.Wait(HangGuard) ? run.Result : $"no answer within {HangGuard.TotalSeconds} s (a hang, or work out of proportion to the input)";
    }

    /// <summary>What a defect is known by: the exception's type and the first frame in the collector.</summary>
    public static string Signature(string problem)
    {
        var firstLine = problem.Split('\n')[0];
        var type = firstLine.Split(':')[0].Trim();
        var frame = problem.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("at ThreadedLogging.Collector", StringComparison.Ordinal));
        return frame is null ? firstLine : $"{type} {frame.Split(" in ")[0]}";
    }

    private static string? Storable(IReadOnlyList<NewEvent> events)
    {
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            foreach (var (name, text) in new[]
            {
                ("Message", e.Message), ("Template", e.Template), ("Category", e.Category), ("App", e.App), ("Version", e.Version), ("User", e.User),
                ("Machine", e.Machine), ("Path", e.Path), ("InstanceId", e.InstanceId), ("ExceptionJson", e.ExceptionJson),
                ("PropertiesJson", e.PropertiesJson), ("ContextJson", e.ContextJson),
            })
            {
                if (text is null)
                {
                    continue;
                }

                try
                {
                    StrictUtf8.GetByteCount(text);
                }
                catch (EncoderFallbackException)
                {
                    return $"event {i}: {name} is not well-formed UTF-16 (a lone surrogate: PostgreSQL's strict UTF-8 cannot store it; SQLite stores U+FFFD)";
                }

                if (name.EndsWith("Json", StringComparison.Ordinal))
                {
                    try
                    {
                        using var json = JsonDocument.Parse(text);
                        if (json.RootElement.ValueKind != JsonValueKind.Object)
                        {
                            return $"event {i}: {name} is JSON but not an object: {Cut(text)}";
                        }
                    }
                    catch (JsonException ex)
                    {
                        return $"event {i}: {name} is not JSON ({ex.Message}): {Cut(text)}";
                    }
                }
            }
        }

        return null;
    }

    private static string Cut(string text) => text.Length <= 200 ? text : text[..200] + "…";
}
