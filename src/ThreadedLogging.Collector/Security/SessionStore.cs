using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace ThreadedLogging.Collector.Security;

/// <summary>
/// Support page sign-ins: a random token per sign-in, kept (as its SHA-256) in memory with its role until it
/// expires or is signed out; the browser holds it in an HttpOnly cookie. A restart signs everybody out. A
/// session made with the read key reads; one made with the admin key also changes level rules (issue 13).
/// <para>
/// Past <see cref="MaxSessions"/> the oldest sessions of the key that holds the most are dropped (security review): dropping
/// the oldest of all let a read-key holder who signed in 10,000 times end the admin's session. Each key's sign-ins now
/// push out only that key's own sessions while it holds the most (those who share a key can already sign in as each other).
/// </para>
/// <para>
/// A session lasts while the key it was signed in with is in force (<see cref="ApiKeyRing.InForce"/>): removed from the
/// settings (a rotation, a leaked key revoked), its sessions end at their next request, the live tail's at its next check.
/// </para>
/// </summary>
internal sealed class SessionStore(CollectorOptions options, ApiKeyRing keys, TimeProvider time)
{
    /// <summary>The cookie's name where it cannot be host-only: plain http, or under a path prefix.</summary>
    public const string CookieName = "tl_session";

    /// <summary>
    /// The cookie's name over https at the root (<c>Secure</c>, <c>Path=/</c>, no <c>Domain</c>): a browser keeps a
    /// <c>__Host-</c> cookie only when this host set it so, so a sibling subdomain or a plain-http answer cannot plant or
    /// replace it (security review).
    /// </summary>
    public const string HostCookieName = "__Host-" + CookieName;

    /// <summary>The most sessions kept; beyond it the oldest of the key that made the most are dropped (each needs a key to make).</summary>
    public const int MaxSessions = 10_000;

    private readonly ConcurrentDictionary<string, Session> _sessions = new(StringComparer.Ordinal);
    private readonly Lock _evicting = new();

    public TimeSpan Lifetime => options.SessionLifetime;

    /// <summary>Starts a session: returns the token for the cookie and when it expires.</summary>
    /// <param name="key">The key it was made with (kept only as its hash: whether it is still in force, and whose sessions make room for it when full).</param>
    /// <param name="admin">Whether the session was made with the admin key (it may change level rules).</param>
    public (string Token, DateTimeOffset Expires) Create(string key, bool admin = false)
    {
        ArgumentNullException.ThrowIfNull(key);
        var now = time.GetUtcNow();
        if (_sessions.Count >= MaxSessions)
        {
            MakeRoom(now);
        }

        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var expires = now + options.SessionLifetime;
        _sessions[Hash(token)] = new Session(expires, admin, ApiKeyRing.HashOf(key));
        return (token, expires);
    }

    /// <summary>The name sign-in gives the cookie: <see cref="HostCookieName"/> when it is <c>Secure</c> with <c>Path=/</c>, else <see cref="CookieName"/>.</summary>
    public static string CookieNameFor(HttpRequest request) =>
        SameOrigin.IsHttps(request) && SameOrigin.ConsolePath(request) == "/" ? HostCookieName : CookieName;

    /// <summary>
    /// The session token a request carries: its <see cref="HostCookieName"/> cookie, or the plain one only where sign-in
    /// gives the plain name (an old or planted <c>tl_session</c> does not count over https at the root). A GET through a
    /// TLS proxy carries no <c>Origin</c>: it is https when the proxy passes on PublicUrl's <c>Host</c>, or is listed in
    /// <c>Collector:TrustedProxies</c> and says <c>X-Forwarded-Proto: https</c> (<see cref="SameOrigin.IsHttps"/>); a proxy
    /// that does neither looks like a browser at the collector's own http address, whose sign-in gives the plain name.
    /// </summary>
    public static string? TokenOf(HttpRequest request) =>
        request.Cookies[HostCookieName] ?? (CookieNameFor(request) == CookieName ? request.Cookies[CookieName] : null);

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

        if (session.Expires > time.GetUtcNow() && keys.InForce(session.Key, session.Admin))
        {
            return session;
        }

        _sessions.TryRemove(Hash(token), out _);
        return null;
    }

    /// <summary>Drops the expired sessions, then, while still full, the oldest of the key that holds the most.</summary>
    private void MakeRoom(DateTimeOffset now)
    {
        lock (_evicting)
        {
            foreach (var (token, _) in _sessions.Where(s => s.Value.Expires <= now).ToList())
            {
                _sessions.TryRemove(token, out _);
            }

            var excess = _sessions.Count - MaxSessions + 1;
            if (excess <= 0)
            {
                return;
            }

            var largest = _sessions.GroupBy(s => Convert.ToHexString(s.Value.Key), StringComparer.Ordinal).MaxBy(g => g.Count())!;
            foreach (var (token, _) in largest.OrderBy(s => s.Value.Expires).Take(excess).ToList())
            {
                _sessions.TryRemove(token, out _);
            }
        }
    }

    private static string Hash(string token) => Convert.ToHexString(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token)));

    /// <summary>A live session: when it ends, whether it may change, and the hash of the key that made it (<see cref="ApiKeyRing.HashOf"/>).</summary>
    private sealed record Session(DateTimeOffset Expires, bool Admin, byte[] Key);
}
