using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Features;

namespace ThreadedLogging.Collector.Ingest;

/// <summary>
/// A catch-all route value (<c>/log/{**path}</c>, <c>/api/users/{**user}</c>) read once, unambiguously. Kestrel decodes a
/// request's path except <c>%2F</c> (so that a name cannot forge a segment) and <c>%25</c> with the rest, so the paths
/// <c>a%2Fb</c> (the name "a/b") and <c>a%252Fb</c> (the name "a%2Fb") both reach a route as <c>a%2Fb</c>; decoding that
/// again erased or filed the wrong user (review14). The segments are read here from the request target as received and
/// decoded once, each with its <c>%</c> and <c>/</c> escaped again (<c>%25</c>, <c>%2F</c>): one
/// <see cref="Uri.UnescapeDataString(string)"/> of a segment is then its name.
/// </summary>
internal static partial class RawRouteValue
{
    /// <summary>
    /// Returns <paramref name="value"/> (the route value of <paramref name="context"/>'s request) with each segment decoded
    /// once from the request target and its <c>%</c> and <c>/</c> escaped; when the target's last segments do not read as
    /// <paramref name="value"/>'s (dot segments the server removed, no target), <paramref name="value"/> with its <c>%</c>
    /// escaped but for <c>%2F</c>, the reading before.
    /// </summary>
    public static string Of(HttpContext context, string value)
    {
        var segments = value.Split('/');
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (target is not null)
        {
            var query = target.IndexOf('?', StringComparison.Ordinal);
            var raw = (query < 0 ? target : target[..query]).Split('/');
            if (raw.Length >= segments.Length && Matches(raw.AsSpan(raw.Length - segments.Length), segments))
            {
                return string.Join('/', raw[^segments.Length..].Select(Escaped));
            }
        }

        return string.Join('/', segments.Select(segment => string.Join("%2F", SlashEscape().Split(segment).Select(piece => piece.Replace("%", "%25", StringComparison.Ordinal)))));
    }

    /// <summary>Whether each raw segment decodes (as Kestrel does: all but <c>%2F</c>) to the route's segment.</summary>
    private static bool Matches(ReadOnlySpan<string> raw, string[] segments)
    {
        for (var i = 0; i < segments.Length; i++)
        {
            var decoded = new StringBuilder();
            foreach (var piece in SlashEscapeKept().Split(raw[i]))
            {
                decoded.Append(piece is "%2F" or "%2f" ? piece : Uri.UnescapeDataString(piece));
            }

            if (!string.Equals(decoded.ToString(), segments[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    private static string Escaped(string rawSegment) =>
        Uri.UnescapeDataString(rawSegment).Replace("%", "%25", StringComparison.Ordinal).Replace("/", "%2F", StringComparison.Ordinal);

    [GeneratedRegex("%2[Ff]")]
    private static partial Regex SlashEscape();

    [GeneratedRegex("(%2[Ff])")]
    private static partial Regex SlashEscapeKept();
}
