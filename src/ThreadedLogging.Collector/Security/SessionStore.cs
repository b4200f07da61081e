using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace ThreadedLogging.Collector.Security;

/// <summary>
/// Support page sign-ins: a random token per sign-in, kept (as its SHA-256) in memory with its role until it
/// expires or is signed out; the browser holds it in an HttpOnly cookie. A restart signs everybody out. A
/// session made with the read key reads; one made with the admin key also changes level rules (issue 13).
/// </summary>
internal sealed class SessionStore(CollectorOptions options, TimeProvider time)
{
    public const string CookieName = "tl_session";

    /// <summary>The most sessions kept; the oldest are dropped beyond it (each needs the read key to make).</summary>
    public const int MaxSessions = 10_000;

    private readonly ConcurrentDictionary<string, Session> _sessions = new(StringComparer.Ordinal);

    public TimeSpan Lifetime => options.SessionLifetime;

    /// <summary>Starts a session: returns the token for the cookie and when it expires.</summary>
    /// <param name="admin">Whether the session was made with the admin key (it may change level rules).</param>
    public (string Token, DateTimeOffset Expires) Create(bool admin = false)
    {
        var now = time.GetUtcNow();
        if (_sessions.Count >= MaxSessions)
        {
            foreach (var (key, _) in _sessions.Where(s => s.Value.Expires <= now).ToList())
            {
                _sessions.TryRemove(key, out _);
            }

            foreach (var (key, _) in _sessions.OrderBy(s => s.Value.Expires).Take(Math.Max(0, _sessions.Count - MaxSessions + 1)).ToList())
            {
                _sessions.TryRemove(key, out _);
            }
        }

        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var expires = now + options.SessionLifetime;
        _sessions[Hash(token)] = new Session(expires, admin);
        return (token, expires);
    }

    public bool IsValid(string? token) => Find(token) is not null;

    /// <summary>Returns whether the token is a live session made with the admin key.</summary>
    public bool IsAdmin(string? token) => Find(token) is { Admin: true };

    public void Remove(string? token)
    {
        if (!string.IsNullOrEmpty(token) && token.Length <= 128)
        {
            _sessions.TryRemove(Hash(token), out _);
        }
    }

    private Session? Find(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 128 || !_sessions.TryGetValue(Hash(token), out var session))
        {
            return null;
        }

        if (session.Expires > time.GetUtcNow())
        {
            return session;
        }

        _sessions.TryRemove(Hash(token), out _);
        return null;
    }

    private static string Hash(string token) => Convert.ToHexString(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token)));

    private sealed record Session(DateTimeOffset Expires, bool Admin);
}
