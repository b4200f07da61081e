using System.Security.Cryptography;
using System.Text;

namespace ThreadedLogging.Collector.Ingest.Formats.Clef;

/// <summary>
/// The idempotency key of a CLEF or Seq JSON body that came without one: CLEF has no batch id, and Serilog.Sinks.Seq sends a
/// batch again when its answer is lost (a timeout after the collector stored it), which stored every event twice. The key is
/// the SHA-256 of the body (gunzipped) and the path it was posted to (<c>/log/{path}</c>'s user, an SQS queue), so a resend is
/// acknowledged as the duplicate it is, for as long as the store keeps batch keys (<c>Collector:Retention:MaxAge</c>).
/// <para>
/// Two identical bodies are the same events: every CLEF event carries its own <c>@t</c> (required; Serilog writes it to 100 ns)
/// and every property, so two apps, or one app's two calls, differ in the body. The sender (address, key) is not part of the key:
/// a resend may come from another address (NAT, a load balancer) or after a key rotation, and is still the same batch.
/// </para>
/// </summary>
internal static class ClefBodyKey
{
    /// <summary>The prefix of derived keys, so that they never equal a key a client chose.</summary>
    public const string Prefix = "body-sha256:";

    /// <summary><paramref name="request"/>'s own key, or the one its body and path make.</summary>
    public static string Of(IngestRequest request)
    {
        if (request.BatchKey is { } given)
        {
            return given;
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(request.Path));
        hash.AppendData([0]);
        hash.AppendData(request.Body.Span);
        return Prefix + Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
