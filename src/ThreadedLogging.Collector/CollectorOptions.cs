using ThreadedLogging.Collector.Alerts;
using ThreadedLogging.Collector.Diagnostics;
using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector;

/// <summary>
/// Settings of the collector, bound from the <c>Collector</c> section (appsettings.json, environment
/// <c>Collector__Xxx</c>, command line <c>--Collector:Xxx=</c>; <c>--data</c> sets <see cref="DataDirectory"/>).
/// </summary>
internal sealed class CollectorOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Collector";

    /// <summary>The largest <see cref="MaxEventBytes"/> with PostgreSQL (its tsvector's 1 MB, halved): 512 KiB.</summary>
    public const int MaxPostgresEventBytes = 512 * 1024;

    /// <summary>Gets or sets where events are kept: <c>sqlite</c> (a file in <see cref="DataDirectory"/>) or <c>postgres</c> (<c>ConnectionStrings:Events</c>). The default value is <c>sqlite</c>.</summary>
    public string Store { get; set; } = StoreEngines.Sqlite;

    /// <summary>Gets or sets the folder of the SQLite database, relative to the current directory. The default value is <c>data</c>.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>Gets or sets the largest request body, after decompression. The default value is 10 MiB.</summary>
    public long MaxRequestBodyBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>Gets or sets the most events one request may carry. The default value is 10000.</summary>
    public int MaxEventsPerBatch { get; set; } = 10_000;

    /// <summary>Gets or sets the largest single event (its JSON, or a Python record's fields). The default value is 256 KiB.</summary>
    public int MaxEventBytes { get; set; } = 256 * 1024;

    /// <summary>Gets or sets the longest identity field (app, user, machine, category, path, ids). The default value is 1024.</summary>
    public int MaxFieldLength { get; set; } = 1024;

    /// <summary>
    /// Gets or sets how far ahead of the collector's clock an event's timestamp is stored as sent (at most 10 years); an
    /// event further ahead is stored at its receive time, the client's in the property <c>ClientTimestamp</c>. The default value is one day.
    /// </summary>
    public TimeSpan MaxClockSkew { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Gets or sets the keys accepted for ingest. Empty: ingest is open (loopback only, or <see cref="AllowUnauthenticated"/>).</summary>
    public List<string> IngestApiKeys { get; set; } = [];

    /// <summary>Gets or sets the key for the query API and the support page. Null: reading is open (unless <see cref="ReadApiKeys"/> has one).</summary>
    public string? ReadApiKey { get; set; }

    /// <summary>Gets or sets more read keys, each as good as <see cref="ReadApiKey"/> (a rotation's old and new key). The default value is empty.</summary>
    public List<string> ReadApiKeys { get; set; } = [];

    /// <summary>Gets or sets the key that changes level rules (<c>/api/levels</c>). Null: rules are open only while no other key is configured.</summary>
    public string? AdminApiKey { get; set; }

    /// <summary>Gets or sets more admin keys, each as good as <see cref="AdminApiKey"/>. The default value is empty.</summary>
    public List<string> AdminApiKeys { get; set; } = [];

    /// <summary>Gets every read key: <see cref="ReadApiKey"/> and <see cref="ReadApiKeys"/>.</summary>
    internal IEnumerable<string> AllReadApiKeys => ReadApiKey is null ? ReadApiKeys : ReadApiKeys.Prepend(ReadApiKey);

    /// <summary>Gets every admin key: <see cref="AdminApiKey"/> and <see cref="AdminApiKeys"/>.</summary>
    internal IEnumerable<string> AllAdminApiKeys => AdminApiKey is null ? AdminApiKeys : AdminApiKeys.Prepend(AdminApiKey);

    /// <summary>Gets a value indicating whether reading needs a key (<see cref="ReadApiKey"/> or <see cref="ReadApiKeys"/>).</summary>
    internal bool HasReadKey => ReadApiKey is not null || ReadApiKeys.Count > 0;

    /// <summary>
    /// Gets or sets the reverse proxies (IP addresses, CIDR networks) whose <c>X-Forwarded-For</c> names the client, for the
    /// wrong-key throttle and the log (<see cref="Security.TrustedProxies"/>). Empty: the connection's address is the client's. The default value is empty.
    /// </summary>
    public List<string> TrustedProxies { get; set; } = [];

    /// <summary>Gets or sets the longest a level rule may live. The default value is 24 hours.</summary>
    public TimeSpan MaxLevelRuleDuration { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Gets or sets a value indicating whether the collector may listen on a non-loopback address without keys. The default value is false.</summary>
    public bool AllowUnauthenticated { get; set; }

    /// <summary>Gets or sets the most events one query returns. The default value is 1000.</summary>
    public int MaxQueryLimit { get; set; } = 1000;

    /// <summary>Gets or sets the most events one export (<c>GET /api/events/export</c>) holds; a longer one ends with a line that says it was cut. The default value is 1000000.</summary>
    public long MaxExportEvents { get; set; } = 1_000_000;

    /// <summary>Gets or sets how many ingest requests may be in progress at once; beyond it the answer is 429. The default value is 64.</summary>
    public int MaxPendingIngests { get; set; } = 64;

    /// <summary>
    /// Gets or sets the most memory that ingest request bodies (HTTP bodies and OTLP/gRPC messages) hold at once, received or gunzipped
    /// (at least 4 × <see cref="MaxRequestBodyBytes"/>); beyond it a request is answered 429 with Retry-After (gRPC: RESOURCE_EXHAUSTED with a RetryInfo). The default value is 256 MiB.
    /// </summary>
    public long MaxReceivingBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Gets or sets how long a request body may take to arrive; then the answer is 408 and the connection is closed (an OTLP/gRPC message: DEADLINE_EXCEEDED). The default value is 1 minute.</summary>
    public TimeSpan RequestBodyTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Gets or sets the slowest a request body may arrive, after a 5-second grace period (Kestrel's <c>MinRequestBodyDataRate</c>; 0 turns it off). The default value is 1024.</summary>
    public int MinRequestBodyBytesPerSecond { get; set; } = 1024;

    /// <summary>Gets or sets the Retry-After sent with a 429 when overloaded. The default value is 2 seconds.</summary>
    public TimeSpan OverloadRetryAfter { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Gets or sets how many live streams (<c>GET /api/events/stream</c>) may be open at once; beyond it the answer is 429. The default value is 32.</summary>
    public int MaxLiveStreams { get; set; } = 32;

    /// <summary>
    /// Gets or sets how many wrong read or admin keys one remote address may send within a minute (sign-in and API)
    /// before it is answered 429 for the rest of it (<c>Security/FailedSignIns</c>); 0 for no limit. The default value is 10.
    /// </summary>
    public int MaxWrongKeysPerMinute { get; set; } = 10;

    /// <summary>Gets or sets how long a support page sign-in lasts (the session cookie's expiry). The default value is 12 hours.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>
    /// Gets or sets how long an environment's settings file (<c>appsettings.Production.json</c>) found deleted while the
    /// collector runs keeps its settings: a deployment that empties the program's folder and copies the publish in, or a
    /// tool that removes and recreates the file, has it back within this; still missing then, it is taken as removed and
    /// its settings go (<see cref="CheckedJsonSource"/>). 0: they go at once. appsettings.json and the <c>--config</c> file
    /// keep theirs while missing, whatever this is. The default value is 30 seconds.
    /// </summary>
    public TimeSpan SettingsFileRemovedAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how long events are kept (<c>Collector:Retention</c>).</summary>
    public RetentionOptions Retention { get; set; } = new();

    /// <summary>Gets or sets how the collector's metrics are read (<c>Collector:Metrics</c>): <c>GET /metrics</c> by default, pushed over OTLP when configured.</summary>
    public MetricsExportOptions Metrics { get; set; } = new();

    /// <summary>Gets or sets the rules evaluated on an interval and the webhooks they notify (<c>Collector:Alerts</c>).</summary>
    public AlertOptions Alerts { get; set; } = new();

    /// <summary>
    /// Gets or sets the address users reach the support page at (<c>https://logs.example.com/</c>): alert notifications
    /// link to it, and behind a TLS-terminating proxy its origin is the collector's own for the console's sign-in and changes (an
    /// https one makes the session cookie Secure). Null: no link. The default value is null.
    /// </summary>
    public string? PublicUrl { get; set; }

    /// <summary>Gets the parsed <see cref="PublicUrl"/> (valid once <see cref="Validate"/> found no problem), or null.</summary>
    public Uri? PublicUri => PublicUrl is null ? null : new Uri(PublicUrl, UriKind.Absolute);

    /// <summary>
    /// Gets or sets the path every address of the collector is under (<c>/logs</c>): the console, its files, the query API,
    /// sign-in, ingest, <c>/health</c> and <c>/metrics</c> answer at <c>/logs/…</c>, and nothing answers without it (404),
    /// for a proxy that passes its prefix on. A proxy that strips its prefix needs none: the console builds every address
    /// from where it was loaded. OTLP/gRPC (<c>Collector:OtlpGrpcPort</c>) stays at its port's root. Null: the root. The
    /// default value is null.
    /// </summary>
    public string? PathBase { get; set; }

    /// <summary>Gets <see cref="PathBase"/> without its trailing '/' (empty for the root; valid once <see cref="Validate"/> found no problem).</summary>
    public PathString ServedPath => PathBase is null || PathBase.TrimEnd('/').Length == 0 ? PathString.Empty : new PathString(PathBase.TrimEnd('/'));

    /// <summary>Returns the problems of these options, each naming the option and its value.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(DataDirectory))
        {
            errors.Add("Collector:DataDirectory must not be empty (set it with --data <dir>).");
        }

        if (!StoreEngines.IsKnown(Store))
        {
            errors.Add($"Collector:Store must be '{StoreEngines.Sqlite}' or '{StoreEngines.Postgres}' (was '{Store}').");
        }

        if (MaxRequestBodyBytes is < 1024 or > 1L << 30)
        {
            errors.Add($"Collector:MaxRequestBodyBytes must be between 1024 and 1073741824 (was {MaxRequestBodyBytes}).");
        }

        if (MaxReceivingBytes < 4 * MaxRequestBodyBytes || MaxReceivingBytes > 1L << 40)
        {
            errors.Add($"Collector:MaxReceivingBytes must be between 4 × Collector:MaxRequestBodyBytes ({4 * MaxRequestBodyBytes}) and 1099511627776 (was {MaxReceivingBytes}).");
        }

        if (MaxPendingIngests is < 1 or > 100_000)
        {
            errors.Add($"Collector:MaxPendingIngests must be between 1 and 100000 (was {MaxPendingIngests}).");
        }

        if (OverloadRetryAfter < TimeSpan.FromSeconds(1) || OverloadRetryAfter > TimeSpan.FromHours(1))
        {
            errors.Add($"Collector:OverloadRetryAfter must be between 00:00:01 and 01:00:00 (was {OverloadRetryAfter}).");
        }

        if (RequestBodyTimeout < TimeSpan.FromSeconds(1) || RequestBodyTimeout > TimeSpan.FromHours(1))
        {
            errors.Add($"Collector:RequestBodyTimeout must be between 00:00:01 and 01:00:00 (was {RequestBodyTimeout}).");
        }

        if (MinRequestBodyBytesPerSecond is < 0 or > 1024 * 1024)
        {
            errors.Add($"Collector:MinRequestBodyBytesPerSecond must be between 0 and 1048576 (was {MinRequestBodyBytesPerSecond}).");
        }

        if (MaxEventsPerBatch is < 1 or > 1_000_000)
        {
            errors.Add($"Collector:MaxEventsPerBatch must be between 1 and 1000000 (was {MaxEventsPerBatch}).");
        }

        if (MaxEventBytes < 256 || MaxEventBytes > MaxRequestBodyBytes)
        {
            errors.Add($"Collector:MaxEventBytes must be between 256 and MaxRequestBodyBytes (was {MaxEventBytes}).");
        }

        // PostgreSQL keeps at most 1 MB of words in one tsvector ("string is too long for tsvector"): a larger event of
        // distinct words failed its whole batch (500, nothing stored). Half of it leaves room for case folding, which
        // may make a word longer in bytes (İ, 2 bytes, lower-cases to 3).
        if (StoreEngines.IsPostgres(Store) && MaxEventBytes > MaxPostgresEventBytes)
        {
            errors.Add($"Collector:MaxEventBytes must be at most {MaxPostgresEventBytes} with Collector:Store=postgres, whose full-text index holds at most 1 MB of words per event (was {MaxEventBytes}).");
        }

        if (MaxFieldLength is < 16 or > 65536)
        {
            errors.Add($"Collector:MaxFieldLength must be between 16 and 65536 (was {MaxFieldLength}).");
        }

        if (MaxClockSkew < TimeSpan.Zero || MaxClockSkew > TimeSpan.FromDays(3650))
        {
            errors.Add($"Collector:MaxClockSkew must be between 00:00:00 and 3650.00:00:00 (was {MaxClockSkew}).");
        }

        if (MaxQueryLimit is < 1 or > 100_000)
        {
            errors.Add($"Collector:MaxQueryLimit must be between 1 and 100000 (was {MaxQueryLimit}).");
        }

        if (MaxExportEvents is < 1 or > 1_000_000_000)
        {
            errors.Add($"Collector:MaxExportEvents must be between 1 and 1000000000 (was {MaxExportEvents}).");
        }

        if (MaxLiveStreams is < 1 or > 10_000)
        {
            errors.Add($"Collector:MaxLiveStreams must be between 1 and 10000 (was {MaxLiveStreams}).");
        }

        if (MaxWrongKeysPerMinute is < 0 or > 10_000)
        {
            errors.Add($"Collector:MaxWrongKeysPerMinute must be between 0 (no limit) and 10000 (was {MaxWrongKeysPerMinute}).");
        }

        if (SessionLifetime < TimeSpan.FromMinutes(1) || SessionLifetime > TimeSpan.FromDays(30))
        {
            errors.Add($"Collector:SessionLifetime must be between 00:01:00 and 30.00:00:00 (was {SessionLifetime}).");
        }

        if (SettingsFileRemovedAfter < TimeSpan.Zero || SettingsFileRemovedAfter > TimeSpan.FromDays(1))
        {
            errors.Add($"Collector:SettingsFileRemovedAfter must be between 00:00:00 (at once) and 1.00:00:00 (was {SettingsFileRemovedAfter}).");
        }

        CheckKeys(errors);
        Security.TrustedProxies.Validate(TrustedProxies, errors);

        if (MaxLevelRuleDuration < TimeSpan.FromMinutes(1) || MaxLevelRuleDuration > TimeSpan.FromDays(30))
        {
            errors.Add($"Collector:MaxLevelRuleDuration must be between 00:01:00 and 30.00:00:00 (was {MaxLevelRuleDuration}).");
        }

        if (PublicUrl is not null && Uri.TryCreate(PublicUrl, UriKind.Absolute, out var withUser) && withUser.UserInfo.Length > 0)
        {
            // Shown in alert links and in the console's refusals: the value is not repeated here either.
            errors.Add("Collector:PublicUrl must not hold a user name or password (it is shown in alert links and answers).");
        }
        else if (PublicUrl is not null
            && (!Uri.TryCreate(PublicUrl, UriKind.Absolute, out var publicUrl) || (publicUrl.Scheme != Uri.UriSchemeHttp && publicUrl.Scheme != Uri.UriSchemeHttps) || publicUrl.Query.Length > 0 || publicUrl.Fragment.Length > 0))
        {
            // Quoted masked: a user part that Uri does not parse (a password holding a '/') is not refused above.
            errors.Add($"Collector:PublicUrl must be an absolute http or https address without a query, where the support page is reached (was '{ProxyAddress.Masked(PublicUrl)}').");
        }

        if (PathBase is not null && ServedPaths.Problem(PathBase) is { } pathProblem)
        {
            errors.Add($"Collector:PathBase {pathProblem} (was '{PathBase}'); write it as /logs.");
        }

        Retention.Validate(errors);
        Metrics.Validate(errors);
        Alerts.Validate(this, errors);
        return errors;
    }

    /// <summary>
    /// A key no client can send, or one that serves two roles, is refused (by its place, never its value). A key with a
    /// space at either end, a control character (a pasted line break) or a character beyond ASCII cannot travel in a
    /// header (<c>X-Api-Key</c>, Bearer): HTTP trims the spaces and Kestrel refuses the rest, so every request was a 401
    /// and every batch dropped. One key in two roles gives the lesser role's holders the greater's: the ingest key ships
    /// inside every app, so with it as the read key anyone with the app reads every user's logs.
    /// </summary>
    private void CheckKeys(List<string> errors)
    {
        var roles = KeySettings().ToList();
        foreach (var (name, key) in roles)
        {
            if (string.IsNullOrWhiteSpace(key))
            {
                errors.Add($"{name} must not be empty or blank.");
            }
            else if (key.Trim().Length != key.Length)
            {
                errors.Add($"{name} starts or ends with white space, which HTTP removes from a header: no client could send it.");
            }
            else if (key.IndexOfAnyExceptInRange((char)0x20, (char)0x7E) is var at and >= 0)
            {
                errors.Add($"{name} has a control or non-ASCII character at index {at}, which a header cannot carry: no client could send it.");
            }
        }

        for (var i = 0; i < roles.Count; i++)
        {
            for (var j = i + 1; j < roles.Count; j++)
            {
                // Two keys alike in one role are harmless; one key in two roles is not.
                var sameRole = Role(roles[i].Name) == Role(roles[j].Name);
                if (!sameRole && !string.IsNullOrWhiteSpace(roles[i].Key) && string.Equals(roles[i].Key, roles[j].Key, StringComparison.Ordinal))
                {
                    errors.Add($"{roles[i].Name} and {roles[j].Name} are the same key: each role needs its own.");
                }
            }
        }
    }

    /// <summary>Every key that is set, by its setting's name (for messages: never the key itself).</summary>
    internal IEnumerable<(string Name, string Key)> KeySettings()
    {
        for (var i = 0; i < IngestApiKeys.Count; i++)
        {
            yield return ($"Collector:IngestApiKeys:{i}", IngestApiKeys[i]);
        }

        if (ReadApiKey is { } read)
        {
            yield return ("Collector:ReadApiKey", read);
        }

        for (var i = 0; i < ReadApiKeys.Count; i++)
        {
            yield return ($"Collector:ReadApiKeys:{i}", ReadApiKeys[i]);
        }

        if (AdminApiKey is { } admin)
        {
            yield return ("Collector:AdminApiKey", admin);
        }

        for (var i = 0; i < AdminApiKeys.Count; i++)
        {
            yield return ($"Collector:AdminApiKeys:{i}", AdminApiKeys[i]);
        }
    }

    /// <summary>A key setting's role, from its name (Collector:ReadApiKey and Collector:ReadApiKeys:0 are one role).</summary>
    private static string Role(string setting) => setting["Collector:".Length..].Split(':')[0].TrimEnd('s');
}
