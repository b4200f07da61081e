using ThreadedLogging.Collector.Diagnostics;

namespace ThreadedLogging.Collector.Security;

/// <summary>
/// Issue 3: bound to loopback, ingest and read may be open; bound to any other address the collector
/// refuses to start without keys, unless <c>Collector:AllowUnauthenticated=true</c>.
/// </summary>
internal static class StartupSecurityCheck
{
    /// <summary>The start of every key in <c>samples/deploy/collector.env</c>: a copied file left unedited.</summary>
    public const string PlaceholderPrefix = "change-me";

    /// <summary>A key shorter than this is warned about at start (<c>openssl rand -hex 32</c> makes 64 characters).</summary>
    public const int ShortKeyLength = 16;

    /// <exception cref="CollectorConfigurationException">A key is the sample's placeholder, or an exposed address has no keys.</exception>
    public static void Enforce(IReadOnlyList<string> urls, CollectorOptions options)
    {
        RefusePlaceholders(options);
        var exposed = urls.Where(u => !ListenAddresses.IsLoopback(u)).ToList();
        if (exposed.Count == 0 || options.AllowUnauthenticated)
        {
            return;
        }

        var missing = new List<string>();
        if (options.IngestApiKeys.Count == 0)
        {
            missing.Add("Collector:IngestApiKeys");
        }

        if (!options.HasReadKey)
        {
            missing.Add("Collector:ReadApiKey");
        }

        if (missing.Count == 0)
        {
            return;
        }

        throw new CollectorConfigurationException(
            $"Refusing to listen on {string.Join(", ", exposed)} without authentication: {string.Join(" and ", missing)} not configured. " +
            "Set them (e.g. --Collector:IngestApiKeys:0=<key> --Collector:ReadApiKey=<key>, or the environment variables " +
            "Collector__IngestApiKeys=<key1,key2> and Collector__ReadApiKey=<key>), listen on 127.0.0.1 only, " +
            "or opt out explicitly with Collector:AllowUnauthenticated=true.");
    }

    /// <summary>
    /// Security review: what is allowed but weak is said once at start, as a warning (tests and loopback setups use
    /// short keys, and a TLS-terminating proxy may stand in front of a plain-http collector): each key setting shorter
    /// than <see cref="ShortKeyLength"/> characters, and keys sent in clear text to an address off loopback.
    /// </summary>
    public static void Warn(ILogger logger, IReadOnlyList<string> urls, CollectorOptions options)
    {
        var keys = options.KeySettings().ToList();
        foreach (var (setting, key) in keys)
        {
            if (key.Length < ShortKeyLength)
            {
                CollectorLog.ShortKey(logger, setting, key.Length, ShortKeyLength);
            }
        }

        var clear = urls.Where(u => u.StartsWith("http://", StringComparison.OrdinalIgnoreCase) && !ListenAddresses.IsLoopback(u)).ToList();
        if (keys.Count > 0 && clear.Count > 0)
        {
            CollectorLog.KeysInClearText(logger, string.Join(", ", clear));
        }

        if (TrustedProxies.Ignored(options))
        {
            CollectorLog.TrustedProxiesIgnored(logger);
        }
    }

    /// <summary>The sample's keys are public: a collector started with one is open to anyone who read the sample.</summary>
    /// <exception cref="CollectorConfigurationException">A key is the sample's placeholder.</exception>
    public static void RefusePlaceholders(CollectorOptions options)
    {
        foreach (var (setting, key) in options.KeySettings())
        {
            if (key.Trim().StartsWith(PlaceholderPrefix, StringComparison.OrdinalIgnoreCase))
            {
                throw new CollectorConfigurationException(
                    $"{setting} is the sample's placeholder ('{PlaceholderPrefix}…', samples/deploy/collector.env): set a key of your own, e.g. `openssl rand -hex 32`.");
            }
        }
    }
}
