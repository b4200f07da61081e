using System.Security.Cryptography;
using System.Text;

namespace ThreadedLogging.Collector.Security;

/// <summary>
/// The configured keys, kept as SHA-256 hashes and compared in constant time: a candidate is hashed
/// and compared with every key, so neither the length nor the position of a match leaks.
/// </summary>
internal sealed class ApiKeyRing
{
    private readonly byte[][] _ingest;
    private readonly byte[]? _read;
    private readonly byte[]? _admin;

    public ApiKeyRing(CollectorOptions options)
    {
        _ingest = [.. options.IngestApiKeys.Select(Hash)];
        _read = options.ReadApiKey is { } read ? Hash(read) : null;
        _admin = options.AdminApiKey is { } admin ? Hash(admin) : null;
    }

    /// <summary>Gets a value indicating whether ingest needs a key.</summary>
    public bool IngestRequiresKey => _ingest.Length > 0;

    /// <summary>Gets a value indicating whether reading needs a key.</summary>
    public bool ReadRequiresKey => _read is not null;

    /// <summary>
    /// Gets a value indicating whether changing level rules needs the admin key: as soon as any key is configured
    /// (a collector that guards reading must not leave its rules open), or the admin key itself.
    /// </summary>
    public bool AdminRequiresKey => _admin is not null || _read is not null || _ingest.Length > 0;

    /// <summary>Gets a value indicating whether <c>Collector:AdminApiKey</c> is set (someone can change level rules).</summary>
    public bool HasAdminKey => _admin is not null;

    public bool IsIngestKey(string? candidate)
    {
        if (candidate is null)
        {
            return false;
        }

        var hash = Hash(candidate);
        var match = false;
        foreach (var key in _ingest)
        {
            match |= CryptographicOperations.FixedTimeEquals(hash, key);
        }

        return match;
    }

    public bool IsReadKey(string? candidate) =>
        candidate is not null && _read is not null && CryptographicOperations.FixedTimeEquals(Hash(candidate), _read);

    public bool IsAdminKey(string? candidate) =>
        candidate is not null && _admin is not null && CryptographicOperations.FixedTimeEquals(Hash(candidate), _admin);

    private static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
