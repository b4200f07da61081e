using System.Text;
using Microsoft.Net.Http.Headers;

namespace ThreadedLogging.Collector.Security;

/// <summary>
/// Reads the key a client sent: <c>X-Api-Key</c>, <c>Authorization: Bearer</c>, or the Basic password (or, with none, the Basic user name: <c>curl -u KEY:</c>) (Python's
/// HTTPHandler <c>credentials</c>); on the Seq-compatible endpoints also Seq's <c>X-Seq-ApiKey</c> and <c>?apiKey=</c>.
/// </summary>
internal static class ApiKeyReader
{
    public const string HeaderName = "X-Api-Key";

    public const string SeqHeaderName = "X-Seq-ApiKey";

    public static string? Read(HttpRequest request, bool seqCompatible = false)
    {
        if (request.Headers[HeaderName] is { Count: > 0 } header && !string.IsNullOrEmpty(header[0]))
        {
            return header[0];
        }

        if (seqCompatible)
        {
            if (request.Headers[SeqHeaderName] is { Count: > 0 } seqHeader && !string.IsNullOrEmpty(seqHeader[0]))
            {
                return seqHeader[0];
            }

            if (request.Query["apiKey"] is { Count: > 0 } query && !string.IsNullOrEmpty(query[0]))
            {
                return query[0];
            }
        }

        var authorization = request.Headers[HeaderNames.Authorization].ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return authorization["Bearer ".Length..].Trim();
        }

        if (authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            Span<byte> buffer = stackalloc byte[1024];
            var encoded = authorization["Basic ".Length..].Trim();
            if (encoded.Length > 1360 || !Convert.TryFromBase64String(encoded, buffer, out var written))
            {
                return null;
            }

            var text = Encoding.UTF8.GetString(buffer[..written]);
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                return null;
            }

            // The key as the user name with no password (curl -u KEY:, as many APIs take a token) was refused as a wrong guess.
            return colon + 1 < text.Length ? text[(colon + 1)..] : colon > 0 ? text[..colon] : null;
        }

        return null;
    }
}
