using System.Security.Cryptography;
using System.Text;

namespace ThreadedLogging.Collector.Ingest.Formats;

/// <summary>
/// The idempotency key of a body that came without one: CLEF and Seq JSON (Serilog.Sinks.Seq) and OTLP (the OpenTelemetry
/// Collector's exporter, any forwarder that retries on a timeout) have no batch id, and their senders send a batch again, the
/// same bytes, when its answer is lost (a timeout after the collector stored it), which stored every event twice. The key is
/// the SHA-256 of the body (gunzipped) and the path it was posted to (<c>/log/{path}</c>'s user, an SQS queue; empty for OTLP),
/// after a prefix of its format, so a resend is acknowledged as the duplicate it is, for as long as the store keeps batch keys
/// (<c>Collector:Retention:MaxAge</c>), and a CLEF and an OTLP body never share a key.
/// <para>
/// Two identical bodies are the same events: every CLEF event carries its own <c>@t</c> (required; Serilog writes it to 100 ns)
/// and every property, an OTLP record its <c>time_unix_nano</c> or, when that is 0, its <c>observed_time_unix_nano</c> (the
/// exporter stamps it when it takes the record), its attributes and its resource's, so two apps, or one app's two calls, differ
/// in the body. An OTLP body whose records carry neither time, sent twice with the same bytes, is also taken as one resend: no
/// field tells it from one. The sender (address, key) is not part of the key: a resend may come from another address (NAT, a
/// load balancer) or after a key rotation, and is still the same batch.
/// </para>
/// </summary>
internal static class BodyKey
{
    /// <summary>The prefix of a CLEF or Seq JSON body's key (the first format keyed so; stored keys keep it), never a key a client chose.</summary>
    public const string ClefPrefix = "body-sha256:";

    /// <summary>The prefix of an OTLP body's key (protobuf, JSON, gRPC).</summary>
    public const string OtlpPrefix = "otlp-body-sha256:";

    /// <summary>Whether <paramref name="key"/> was derived from a body, not given by the client.</summary>
    public static bool IsDerived(string key) =>
        key.StartsWith(ClefPrefix, StringComparison.Ordinal) || key.StartsWith(OtlpPrefix, StringComparison.Ordinal);

    /// <summary><paramref name="request"/>'s own key, or the one its body and path make after <paramref name="prefix"/>.</summary>
    public static string Of(IngestRequest request, string prefix)
    {
        if (request.BatchKey is { } given)
        {
            return given;
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(request.Path));
        hash.AppendData([0]);
        hash.AppendData(request.Body.Span);
        return prefix + Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
