using System.Security.Cryptography;
using System.Text;

namespace ThreadedLogging.Collector.Security;

/// <summary>
/// The configured keys, kept as SHA-256 hashes and compared in constant time: a candidate is hashed
/// and compared with every key of its role, so neither the length nor the position of a match leaks.
/// Each role may have several keys (a rotation's old and new one); the set is replaced whole when the configuration
/// changes (<see cref="ApiKeyReload"/>), never whether a role has keys at all.
/// </summary>
internal sealed class ApiKeyRing(CollectorOptions options)
{
    private volatile Keys _keys = new(options);

    /// <summary>Gets a value indicating whether ingest needs a key.</summary>
    public bool IngestRequiresKey => _keys.Ingest.Length > 0;

    /// <summary>Gets a value indicating whether reading needs a key.</summary>
    public bool ReadRequiresKey => _keys.Read.Length > 0;

    /// <summary>
    /// Gets a value indicating whether changing level rules needs the admin key: as soon as any key is configured
    /// (a collector that guards reading must not leave its rules open), or the admin key itself.
    /// </summary>
    public bool AdminRequiresKey => _keys.Admin.Length > 0 || _keys.Read.Length > 0 || _keys.Ingest.Length > 0;

    /// <summary>Gets a value indicating whether an admin key is set (someone can change level rules).</summary>
    public bool HasAdminKey => _keys.Admin.Length > 0;

    public bool IsIngestKey(string? candidate) => Matches(candidate, _keys.Ingest);

    public bool IsReadKey(string? candidate) => Matches(candidate, _keys.Read);

    public bool IsAdminKey(string? candidate) => Matches(candidate, _keys.Admin);

    /// <summary>
    /// Whether the key whose SHA-256 is <paramref name="hash"/> (<see cref="HashOf"/>) is still in force: an admin key for an
    /// admin session, a read or admin key for a reading one. A console session ends with the key it was signed in with
    /// (<see cref="SessionStore"/>): a leaked key removed from the settings must not read on through a session it made.
    /// </summary>
    public bool InForce(byte[] hash, bool admin)
    {
        var keys = _keys;
        return Matches(hash, keys.Admin) | (!admin && Matches(hash, keys.Read));
    }

    /// <summary>The SHA-256 a key is kept as, compared in constant time.</summary>
    public static byte[] HashOf(string key) => Hash(key);

    /// <summary>
    /// Takes the keys of <paramref name="next"/> (already checked) unless a role would gain its first key or lose its
    /// last: that changes what is open to whom, which only a restart does (<see cref="StartupSecurityCheck"/>).
    /// </summary>
    /// <returns>Null when replaced, else why not.</returns>
    public string? Replace(CollectorOptions next)
    {
        var keys = new Keys(next);
        var now = _keys;
        var changed = new List<string>();
        Compare("Collector:IngestApiKeys", now.Ingest, keys.Ingest, changed);
        Compare("Collector:ReadApiKey(s)", now.Read, keys.Read, changed);
        Compare("Collector:AdminApiKey(s)", now.Admin, keys.Admin, changed);
        if (changed.Count > 0)
        {
            return $"{string.Join(" and ", changed)}: whether a role needs a key changes only with a restart";
        }

        _keys = keys;
        return null;
    }

    /// <summary>Gets how many keys each role has, for the log.</summary>
    public (int Ingest, int Read, int Admin) Counts => (_keys.Ingest.Length, _keys.Read.Length, _keys.Admin.Length);

    /// <summary>Whether <paramref name="next"/> holds other keys than these.</summary>
    public bool Differs(CollectorOptions next)
    {
        var keys = new Keys(next);
        var now = _keys;
        return !Same(now.Ingest, keys.Ingest) || !Same(now.Read, keys.Read) || !Same(now.Admin, keys.Admin);
    }

    private static void Compare(string setting, byte[][] now, byte[][] next, List<string> changed)
    {
        if (now.Length > 0 && next.Length == 0)
        {
            changed.Add($"{setting} would have no key left (its role would be open)");
        }
        else if (now.Length == 0 && next.Length > 0)
        {
            changed.Add($"{setting} would have its first key");
        }
    }

    private static bool Same(byte[][] a, byte[][] b) =>
        a.Length == b.Length && a.All(x => b.Any(y => x.AsSpan().SequenceEqual(y)));

    private static bool Matches(string? candidate, byte[][] keys)
    {
        if (candidate is null)
        {
            return false;
        }

        return Matches(Hash(candidate), keys);
    }

    private static bool Matches(byte[] hash, byte[][] keys)
    {
        var match = false;
        foreach (var key in keys)
        {
            match |= CryptographicOperations.FixedTimeEquals(hash, key);
        }

        return match;
    }

    private static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    /// <summary>One whole set of keys, swapped at once.</summary>
    private sealed class Keys(CollectorOptions options)
    {
        public byte[][] Ingest { get; } = [.. options.IngestApiKeys.Select(Hash)];

        public byte[][] Read { get; } = [.. options.AllReadApiKeys.Select(Hash)];

        public byte[][] Admin { get; } = [.. options.AllAdminApiKeys.Select(Hash)];
    }
}
