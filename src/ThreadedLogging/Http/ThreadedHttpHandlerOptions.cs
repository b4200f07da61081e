using System.Buffers;

namespace ThreadedLogging;

/// <summary>Options of a <see cref="ThreadedHttpHandler"/>: where and how to send, on top of the pipeline's options.</summary>
public sealed class ThreadedHttpHandlerOptions : ThreadedHandlerOptions
{
    /// <summary>What an HTTP header name may be made of (an RFC 9110 token).</summary>
    private static readonly SearchValues<char> HeaderNameChars =
        SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    /// <summary>
    /// Creates options with the pipeline's defaults, except <see cref="ThreadedHandlerOptions.BatchSize"/>: 2000 for
    /// HTTP (not 500). Each request costs the client and the receiver a fixed amount besides its events; issue 14
    /// measured a 1,000,000-event burst to a loopback receiver at 2.0–2.2 µs of client CPU per event with batches of
    /// 2,000 against 2.6–3.0 with 500, and 1.6× the delivered events/s. A batch stays within
    /// <see cref="ThreadedHandlerOptions.MaxBatchBytes"/> (1 MiB) whatever its count, well under the collector's
    /// 10,000 events and 10 MiB per request.
    /// </summary>
    public ThreadedHttpHandlerOptions()
    {
        BatchSize = 2000;
    }

    /// <summary>Gets or sets the server as <c>name:port</c> (the seed's <c>host</c>).</summary>
    /// <value>The default value is empty: it must be set.</value>
    public string Host { get; set; } = string.Empty;

    /// <summary>
    /// Gets or sets the path to log to; it may carry the placeholders <c>{user}</c>, <c>{machine}</c>
    /// and <c>{app}</c>, so the url identifies the user for first-line support. Each is filled in percent-encoded; a
    /// <see cref="ThreadedHandlerOptions.User"/>, <see cref="ThreadedHandlerOptions.Machine"/> or
    /// <see cref="ThreadedHandlerOptions.App"/> of '.' or '..' filled in is refused at start (it would be a step of the path).
    /// </summary>
    /// <value>The default value is <c>/log/{user}</c>.</value>
    public string Url { get; set; } = "/log/{user}";

    /// <summary>Gets or sets the HTTP method, <c>GET</c> or <c>POST</c>; <see cref="HttpLogFormat.JsonBatch"/> always posts.</summary>
    /// <value>The default value is <c>GET</c>, as in the seed.</value>
    public string Method { get; set; } = "GET";

    /// <summary>Gets or sets whether to use https.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool Secure { get; set; }

    /// <summary>Gets or sets Basic-auth credentials, as Python's <c>HTTPHandler(credentials=(user, password))</c>.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public HttpCredentials? Credentials { get; set; }

    /// <summary>Gets or sets an API key sent in <see cref="ApiKeyHeader"/>.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? ApiKey { get; set; }

    /// <summary>Gets or sets the header that carries <see cref="ApiKey"/>.</summary>
    /// <value>The default value is <c>X-Api-Key</c>.</value>
    public string ApiKeyHeader { get; set; } = "X-Api-Key";

    /// <summary>
    /// Gets or sets the proxy the requests go through: <see langword="null"/> for the system's
    /// (<see cref="HttpClient.DefaultProxy"/>: Windows' proxy settings, with the signed-in user's credentials; on Linux and
    /// macOS <c>HTTPS_PROXY</c>, <c>HTTP_PROXY</c>, <c>ALL_PROXY</c> and <c>NO_PROXY</c>), except that a <see cref="Host"/>
    /// on this machine or network — loopback, a private or link-local address, a name without a dot — is reached
    /// directly, as before the handler used a proxy; <c>none</c> for no proxy at all; or a proxy's URL —
    /// <c>http://proxy.corp:3128</c>, with the credentials it asks for as <c>http://user:password@proxy.corp:3128</c>
    /// (percent-encoded), <c>https://…</c>, or <c>socks5://proxy.corp:1080</c> (also <c>socks4</c>, <c>socks4a</c>). A proxy
    /// that refuses its credentials (407, to a request or to the CONNECT of https) is answered like a refused key.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: the system's proxy, as <see cref="HttpClient"/> uses, but for local hosts.</value>
    public string? Proxy { get; set; }

    /// <summary>
    /// Gets or sets the wire format: <see cref="HttpLogFormat.JsonBatch"/>, each event with its template and properties in
    /// batches, or <see cref="HttpLogFormat.PythonForm"/>, the seed's (Python's <c>HTTPHandler</c>: one request per event,
    /// the rendered message only), for a receiver written for the seed. The seed's signatures,
    /// <see cref="ThreadedHttpHandler(string, string, string)"/> and <c>AddThreadedHttp(host, url, method)</c>, set PythonForm;
    /// the latter as a default only, which a Format from configuration or any <c>configure</c> delegate overrides.
    /// </summary>
    /// <value>The default value is <see cref="HttpLogFormat.JsonBatch"/>.</value>
    public HttpLogFormat Format { get; set; } = HttpLogFormat.JsonBatch;

    /// <summary>
    /// Gets or sets whether <see cref="HttpLogFormat.JsonBatch"/> bodies are gzip-compressed (fastest level):
    /// <see langword="true"/>, <see langword="false"/>, or <see langword="null"/> for gzip to any host but a loopback
    /// one (<c>localhost</c> and the names under it, <c>127.0.0.0/8</c>, <c>::1</c>), where bytes cost nothing and the collector shares the
    /// machine's CPU: measured in a 1,000,000-event burst, plain JSON to loopback cut the client's CPU per event by
    /// ~0.6 µs and the receiver's by ~0.9 µs (bench/README.md).
    /// </summary>
    /// <value>The default value is <see langword="null"/>: gzip unless <see cref="Host"/> is a loopback host.</value>
    public bool? Compress { get; set; }

    /// <summary>Gets or sets the timeout of one HTTP request; at most 1 hour.</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets how often a handler with nothing to send asks the collector for its level rules
    /// (<c>GET /api/levels/effective</c>); every JsonBatch answer carries them too. <see cref="TimeSpan.Zero"/>: never; at most 1 day.
    /// </summary>
    /// <value>The default value is 60 seconds.</value>
    public TimeSpan LevelPollInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// What to write instead of a <see cref="Host"/> given as a URL (the likeliest mistake: <c>http://127.0.0.1:5080</c>, a
    /// trailing <c>/</c>, the path), so that the refusal says how to split it into Host, <see cref="Secure"/> and <see cref="Url"/>.
    /// </summary>
    private static string HostHint(string? host)
    {
        if (string.IsNullOrWhiteSpace(host))
        {
            return string.Empty;
        }

        // Any scheme's name ends before the host (a1://host gave "write Host 'a1:'", refused in turn); only https's means Secure.
        var start = ProxyAddress.AuthorityStart(host);
        var https = host.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
        var scheme = start > 0;
        var rest = host[start..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var name = slash < 0 ? rest : rest[..slash];
        var path = slash < 0 ? string.Empty : rest[slash..].TrimEnd('/');
        if (name.Length == 0 || name.EndsWith(':') || name.Contains("://", StringComparison.Ordinal) || !Uri.TryCreate($"http://{name}", UriKind.Absolute, out _))
        {
            return string.Empty;
        }

        return $": write Host '{name}'"
            + (https ? " and Secure true" : string.Empty)
            + (path.Length > 0 ? $", the path in Url ('{path}')" : string.Empty)
            + (scheme && !https ? " (no scheme: Secure true for https)" : string.Empty);
    }

    /// <summary>
    /// A <see cref="Host"/> that carries a user name or password (<c>ann:secret@logs.corp</c>, or a URL
    /// <c>https://ann:secret@logs.corp/</c>): as a refusal shows it (<c>***@logs.corp</c>) and without them; else null.
    /// </summary>
    private static (string Shown, string Bare)? WithoutUserInfo(string? host)
    {
        if (string.IsNullOrEmpty(host))
        {
            return null;
        }

        // The last '@' of the whole value, not of its part before a '/': a password may hold a '/' (and a Host with an '@'
        // anywhere is refused anyway, so a path's is masked too, which costs nothing in a refusal). The scheme's end as a
        // proxy's address has it: a "://" in the password ('ann:s3c://ret@…') is none.
        var start = ProxyAddress.AuthorityStart(host);
        var at = host.LastIndexOf('@');
        return at < start ? null : (host[..start] + "***" + host[at..], host[..start] + host[(at + 1)..]);
    }

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        if (WithoutUserInfo(Host) is var (shown, bare))
        {
            // HttpClient sends no credentials from an address's user name and password, and the refusal (an exception the app's
            // crash log keeps) must not show them: masked, as a proxy's are (ProxyAddress.Masked).
            throw new ArgumentException(
                $"Host must be 'name' or 'name:port' (was '{shown}'){HostHint(bare)}; a user name and password go in Credentials, a key in ApiKey, never in Host.", nameof(Host));
        }

        if (string.IsNullOrWhiteSpace(Host) || Host.Contains('/', StringComparison.Ordinal) || !Uri.TryCreate($"http://{Host}", UriKind.Absolute, out _))
        {
            throw new ArgumentException($"Host must be 'name' or 'name:port' (was '{Host}'){HostHint(Host)}.", nameof(Host));
        }

        if (string.IsNullOrEmpty(Url) || Url[0] != '/')
        {
            throw new ArgumentException($"Url must be a path starting with '/' (was '{Url}').", nameof(Url));
        }

        if (UnknownPlaceholder(Url) is { } unknown)
        {
            // A misspelt {usr} would be sent as it is: every user's events filed under one name, found by no support search.
            throw new ArgumentException($"Url may carry only the placeholders {{user}}, {{machine}} and {{app}} (was '{Url}': '{unknown}').", nameof(Url));
        }

        CheckPathSegment(User, "{user}", nameof(User));
        CheckPathSegment(Machine, "{machine}", nameof(Machine));
        CheckPathSegment(App, "{app}", nameof(App));
        if (!string.Equals(Method, "GET", StringComparison.OrdinalIgnoreCase) && !string.Equals(Method, "POST", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"Method must be GET or POST (was '{Method}').", nameof(Method));
        }

        Check(Enum.IsDefined(Format), nameof(Format), "PythonForm or JsonBatch", Format);
        CheckRequestTimeout(RequestTimeout, nameof(RequestTimeout));
        CheckPollInterval(LevelPollInterval, nameof(LevelPollInterval));
        if (string.IsNullOrWhiteSpace(ApiKeyHeader))
        {
            throw new ArgumentException("ApiKeyHeader must not be empty.", nameof(ApiKeyHeader));
        }

        if (!IsHeaderName(ApiKeyHeader))
        {
            // HttpClient leaves out, without a word, a header it cannot name: every request would go without the key (401).
            throw new ArgumentException($"ApiKeyHeader must be an HTTP header name: letters, digits and !#$%&'*+-.^_`|~ (was '{ApiKeyHeader}').", nameof(ApiKeyHeader));
        }

        HttpProxySetting.Check(Proxy);

        // HttpClient sends it as it is: a line break (a key pasted with its newline) breaks the request's header, the collector
        // answers 400 and every batch would be dropped.
        CheckSecret(ApiKey, nameof(ApiKey), spaces: true);
        CheckHeaderValue(ApiKey, nameof(ApiKey));
        if (Credentials is { UserName: { } user } && user.Contains(':', StringComparison.Ordinal))
        {
            // Basic authentication ends the user name at the first colon (RFC 7617): the rest went into the password, and every request was refused.
            throw new ArgumentException($"Credentials.UserName must not contain ':' (was '{Shown(user[..(user.IndexOf(':', StringComparison.Ordinal) + 1)])}***', the rest not shown: it may be a password): Basic authentication ends the user name at the first colon.", nameof(Credentials));
        }
    }

    /// <summary>
    /// A name filled into <see cref="Url"/> that is '.' or '..' is a step of the path, not a name: the URI resolves
    /// <c>/log/..</c> to <c>/</c> (RFC 3986, 5.2.4), and a percent-encoded dot is decoded and resolved by the server too,
    /// so the events would be filed under another path. Refused at start, naming the option.
    /// </summary>
    private void CheckPathSegment(string? value, string placeholder, string name)
    {
        if (value is "." or ".." && Url.Contains(placeholder, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"{name} must not be '.' or '..' when Url carries {placeholder} (was '{value}'): '{Url}' would become a step of the path, not a name.", name);
        }
    }

    /// <summary>The first <c>{…}</c> (or lone brace) in <paramref name="url"/> that is not a placeholder the handler fills in; null when there is none.</summary>
    private static string? UnknownPlaceholder(string url)
    {
        for (var i = 0; i < url.Length; i++)
        {
            if (url[i] == '}')
            {
                return "}";
            }

            if (url[i] != '{')
            {
                continue;
            }

            var end = url.IndexOf('}', i + 1);
            var name = end < 0 ? null : url[(i + 1)..end];
            if (name is null || !(name.Equals("user", StringComparison.OrdinalIgnoreCase) || name.Equals("machine", StringComparison.OrdinalIgnoreCase) || name.Equals("app", StringComparison.OrdinalIgnoreCase)))
            {
                return end < 0 ? url[i..] : url[i..(end + 1)];
            }

            i = end;
        }

        return null;
    }

    private static bool IsHeaderName(string name) => name.AsSpan().IndexOfAnyExcept(HeaderNameChars) < 0;

    /// <summary>
    /// A key the collector could never match: HTTP trims white space at a header value's ends (the collector refuses such
    /// keys in its own settings), and HttpClient refuses to send a header value outside ASCII — every request would fail.
    /// </summary>
    /// <exception cref="ArgumentException">The key starts or ends with white space, or holds a character outside printable ASCII.</exception>
    private static void CheckHeaderValue(string? key, string name)
    {
        if (string.IsNullOrEmpty(key))
        {
            return;
        }

        if (char.IsWhiteSpace(key[0]) || char.IsWhiteSpace(key[^1]))
        {
            throw new ArgumentException($"{name} starts or ends with white space, which HTTP trims: the receiver would refuse every request (the key itself is not shown).", name);
        }

        var at = key.AsSpan().IndexOfAnyExceptInRange(' ', '~');
        if (at >= 0)
        {
            throw new ArgumentException($"{name} has a character outside printable ASCII at index {at}: an HTTP header cannot carry it (the key itself is not shown).", name);
        }
    }
}
