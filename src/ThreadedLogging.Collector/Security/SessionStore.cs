using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace ThreadedLogging.Collector.Security;

/// <summary>
/// Support page sign-ins: a random token per sign-in, kept (as its SHA-256) in memory until it expires or
/// is signed out; the browser holds it in an HttpOnly cookie. A restart signs everybody out.
/// </summary>
internal sealed class SessionStore(CollectorOptions options, TimeProvider time)
{
    public const string CookieName = "tl_session";

    /// <summary>The most sessions kept; the oldest are dropped beyond it (each needs the read key to make).</summary>
    public const int MaxSessions = 10_000;

    private readonly ConcurrentDictionary<string, DateTimeOffset> _sessions = new(StringComparer.Ordinal);

    public TimeSpan Lifetime => options.SessionLifetime;

    /// <summary>Starts a session: returns the token for the cookie and when it expires.</summary>
    public (string Token, DateTimeOffset Expires) Create()
    {
        var now = time.GetUtcNow();
        if (_sessions.Count >= MaxSessions)
        {
            foreach (var (key, _) in _sessions.Where(s => s.Value <= now).ToList())
            {
                _sessions.TryRemove(key, out _);
            }

            foreach (var (key, _) in _sessions.OrderBy(s => s.Value).Take(Math.Max(0, _sessions.Count - MaxSessions + 1)).ToList())
            {
                _sessions.TryRemove(key, out _);
            }
        }

        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var expires = now + options.SessionLifetime;
        _sessions[Hash(token)] = expires;
        return (token, expires);
    }

    public bool IsValid(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 128 || !_sessions.TryGetValue(Hash(token), out var expires))
        {
            return false;
        }

        if (expires > time.GetUtcNow())
        {
            return true;
        }

        _sessions.TryRemove(Hash(token), out _);
        return false;
    }

    public void Remove(string? token)
    {
        if (!string.IsNullOrEmpty(token) && token.Length <= 128)
        {
            _sessions.TryRemove(Hash(token), out _);
        }
    }

    private static string Hash(string token) => Convert.ToHexString(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token)));
}
