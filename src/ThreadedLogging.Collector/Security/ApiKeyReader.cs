using System.Text;
using Microsoft.Net.Http.Headers;

namespace ThreadedLogging.Collector.Security;

/// <summary>Reads the key a client sent: <c>X-Api-Key</c>, <c>Authorization: Bearer</c>, or the Basic password (Python's HTTPHandler <c>credentials</c>).</summary>
internal static class ApiKeyReader
{
    public const string HeaderName = "X-Api-Key";

    public static string? Read(HttpRequest request)
    {
        if (request.Headers[HeaderName] is { Count: > 0 } header && !string.IsNullOrEmpty(header[0]))
        {
            return header[0];
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
            return colon >= 0 ? text[(colon + 1)..] : null;
        }

        return null;
    }
}
