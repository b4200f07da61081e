namespace ThreadedLogging;

/// <summary>
/// Options of a <see cref="ThreadedAwsHandler"/> or <see cref="CloudLaunchHandler"/>: the queue, the
/// credentials and the connection (what the seed passed to boto as <c>connection_kwargs</c>), and the message
/// body. The pipeline options (queue size, interval, shutdown budget) are inherited.
/// </summary>
public sealed class ThreadedAwsHandlerOptions : ThreadedHandlerOptions
{
    /// <summary>Gets or sets the name of the queue; its URL is looked up (GetQueueUrl) before the first send.</summary>
    /// <value>The default value is <see langword="null"/>; either this or <see cref="QueueUrl"/> is required.</value>
    public string? QueueName { get; set; }

    /// <summary>Gets or sets the URL of the queue; when set, <see cref="QueueName"/> is not looked up.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? QueueUrl { get; set; }

    /// <summary>Gets or sets the access key id (the seed's <c>access_key</c>).</summary>
    /// <value>The default value is <see langword="null"/>: credentials come from the standard AWS chain (environment, profile, instance role).</value>
    public string? AccessKey { get; set; }

    /// <summary>Gets or sets the secret access key (the seed's <c>secret_access_key</c>).</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? SecretAccessKey { get; set; }

    /// <summary>Gets or sets the session token that goes with temporary keys.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? SessionToken { get; set; }

    /// <summary>Gets or sets the AWS region, e.g. <c>eu-west-1</c>.</summary>
    /// <value>
    /// The default value is <see langword="null"/>: the SDK's region chain (<c>AWS_REGION</c>, profile), or
    /// <c>us-east-1</c> for signing when <see cref="ServiceUrl"/> is set.
    /// </value>
    public string? Region { get; set; }

    /// <summary>Gets or sets the endpoint of an SQS-compatible server, e.g. <c>http://127.0.0.1:4566</c>.</summary>
    /// <value>The default value is <see langword="null"/>: Amazon SQS in <see cref="Region"/>.</value>
    public string? ServiceUrl { get; set; }

    /// <summary>
    /// Gets or sets the deployment revision of the app (the seed's <c>revision</c>), sent as <c>revision</c>
    /// with every seed record; when <see cref="ThreadedHandlerOptions.Version"/> is not set and this is not 0,
    /// it is also the version of the handler's identity.
    /// </summary>
    /// <value>The default value is 0.</value>
    public int Revision { get; set; }

    /// <summary>Gets or sets the shape of the message bodies.</summary>
    /// <value>The default value is <see cref="SqsMessageFormat.JsonBatch"/>.</value>
    public SqsMessageFormat MessageFormat { get; set; } = SqsMessageFormat.JsonBatch;

    /// <summary>Gets or sets whether a JsonBatch body is gzip-compressed (and base64-encoded) when that makes it smaller.</summary>
    /// <remarks>
    /// A <see langword="bool"/>, not <see cref="ThreadedHttpHandlerOptions.Compress"/>'s <see langword="bool"/>? whose
    /// <see langword="null"/> sends plain JSON to a loopback host: there the receiver is the collector on the same machine,
    /// sharing its CPU, and bytes cost nothing. Here what gzip saves is not bandwidth to the endpoint but room in the
    /// message, wherever the queue is (a local emulator included): a message is capped at <see cref="MaxMessageBytes"/>
    /// (and the queue's <c>MaximumMessageSize</c>) and SQS bills each 64 KiB of a message as a request, so a compressed
    /// body carries several times the events per message and per request; and the collector reads the queue from
    /// wherever it runs, not from the endpoint's machine. A body under 1 KiB of JSON, or one gzip and base64 would not make
    /// smaller, is sent as it is either way.
    /// </remarks>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool Compress { get; set; } = true;

    /// <summary>
    /// Gets or sets the largest message sent, in bytes (body and attributes). The queue's own
    /// <c>MaximumMessageSize</c> lowers it when it is smaller.
    /// </summary>
    /// <value>The default value is 1,048,576 (1 MiB), the SQS limit.</value>
    public int MaxMessageBytes { get; set; } = SqsLimits.MaxPayloadBytes;

    /// <summary>Gets or sets how long one SQS call may take; at most 1 hour.</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets the proxy the SQS requests go through: <see langword="null"/> for the AWS SDK's default, the system's
    /// proxy (<see cref="System.Net.Http.HttpClient.DefaultProxy"/>: Windows' proxy settings; on Linux and macOS
    /// <c>HTTPS_PROXY</c>, <c>HTTP_PROXY</c>, <c>ALL_PROXY</c> and <c>NO_PROXY</c>); <c>none</c> for no proxy at all; or a
    /// proxy's URL, as for <see cref="ThreadedHttpHandlerOptions.Proxy"/>: <c>http://proxy.corp:3128</c>, with the
    /// credentials it asks for as <c>http://user:password@proxy.corp:3128</c> (percent-encoded), <c>https://…</c>, or
    /// <c>socks5://proxy.corp:1080</c>. A proxy that refuses its credentials is retried like refused AWS keys (the events
    /// are kept); its credentials (the user name too, which may be a token) are never shown in
    /// <see cref="ThreadedHandlerStatistics.LastError"/> or the self-log.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: the system's proxy.</value>
    public string? Proxy { get; set; }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The queue or the credentials are missing or invalid.</exception>
    public override void Validate()
    {
        base.Validate();
        CheckNoUserInfo(QueueUrl, nameof(QueueUrl));
        CheckNoUserInfo(ServiceUrl, nameof(ServiceUrl));
        if (QueueUrl is null)
        {
            SqsQueueName.Validate(QueueName, nameof(QueueName));
        }
        else
        {
            var named = QueueNameOf(QueueUrl);
            if (QueueName is not null && !string.Equals(QueueName, named, StringComparison.Ordinal))
            {
                // QueueUrl wins: events went to another queue than the one named, and errors spoke of QueueName's.
                throw new ArgumentException($"QueueName and QueueUrl name different queues ('{QueueName}' and '{named}' of '{ShownUrl(QueueUrl)}'); set one of them.", nameof(QueueName));
            }
        }

        if (string.IsNullOrEmpty(AccessKey) != string.IsNullOrEmpty(SecretAccessKey))
        {
            throw new ArgumentException("AccessKey and SecretAccessKey must be given together, or neither (to use the standard AWS credential chain).", nameof(SecretAccessKey));
        }

        if (!string.IsNullOrEmpty(SessionToken) && string.IsNullOrEmpty(AccessKey))
        {
            // Used only with the keys: without them the standard chain ran and the token was ignored.
            throw new ArgumentException("SessionToken must come with AccessKey and SecretAccessKey (the temporary keys it belongs to).", nameof(SessionToken));
        }

        // Sent in the request's Authorization header or signed with: a pasted line break broke every request (400, retried
        // for ever); a space made a key AWS does not know.
        CheckSecret(AccessKey, nameof(AccessKey), spaces: false);
        CheckSecret(SecretAccessKey, nameof(SecretAccessKey), spaces: false);
        CheckSecret(SessionToken, nameof(SessionToken), spaces: false);
        if (Region is not null && !AwsRegionName.IsValid(Region))
        {
            // The SDK threw its own words at start ("not a valid hostname component"), or signed for a region that is none.
            throw new ArgumentException($"Region must be {AwsRegionName.Form} (was '{Shown(Region)}').", nameof(Region));
        }

        if (ServiceUrl is not null && !IsHttpUrl(ServiceUrl, out _))
        {
            // 'localhost:4566' is an absolute URI of the scheme 'localhost': every send threw NotSupportedException and its events were dropped.
            throw new ArgumentException($"ServiceUrl must be an http or https URL, e.g. http://127.0.0.1:4566 (was '{ShownUrl(ServiceUrl)}').", nameof(ServiceUrl));
        }

        Check(Enum.IsDefined(MessageFormat), nameof(MessageFormat), "JsonBatch or SeedRecord", MessageFormat);
        Check(MaxMessageBytes is >= SqsLimits.MinMessageBytes and <= SqsLimits.MaxPayloadBytes, nameof(MaxMessageBytes), "between 1024 and 1048576", MaxMessageBytes);
        CheckRequestTimeout(RequestTimeout, nameof(RequestTimeout));
        HttpProxySetting.Check(Proxy);
    }

    /// <summary>A copy the handler can adjust without touching the caller's object.</summary>
    internal ThreadedAwsHandlerOptions Copy() => (ThreadedAwsHandlerOptions)MemberwiseClone();

    /// <summary>The queue's name, the last segment of its URL (<c>https://sqs.eu-west-1.amazonaws.com/123456789012/logs</c>).</summary>
    /// <exception cref="ArgumentException">The URL is not http or https, or does not end in a valid queue name; names <see cref="QueueUrl"/>.</exception>
    private static string QueueNameOf(string queueUrl)
    {
        if (!IsHttpUrl(queueUrl, out var url) || url.Segments.Length < 2)
        {
            // '/tmp/q' (a file URI on Unix) or 'queue:logs' was accepted, and every send was answered "does not exist" for ever.
            throw new ArgumentException($"QueueUrl must be the queue's http or https URL, e.g. https://sqs.eu-west-1.amazonaws.com/123456789012/logs (was '{ShownUrl(queueUrl)}').", nameof(QueueUrl));
        }

        var name = Uri.UnescapeDataString(url.Segments[^1].TrimEnd('/'));
        try
        {
            SqsQueueName.Validate(name, nameof(QueueUrl));
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"QueueUrl must end in the queue's name: 1 to 80 ASCII letters, digits, '-' and '_', with '.fifo' at the end for a FIFO queue (was '{ShownUrl(queueUrl)}').", nameof(QueueUrl), e);
        }

        return name;
    }

    /// <summary>
    /// Refuses a URL with a user name or password (<c>https://ann:secret@sqs…</c>): the SDK sends nothing of them (requests
    /// are signed with the keys), and an address that holds them ends up in messages and logs. The refusal masks them.
    /// </summary>
    private static void CheckNoUserInfo(string? url, string name)
    {
        if (url?.Contains('@', StringComparison.Ordinal) == true)
        {
            // Any '@': a password may hold a '/' or an '@', which Uri does not parse as a user part (neither has a queue URL).
            throw new ArgumentException($"{name} must not carry a user name or password (was '{ShownUrl(url)}'): requests to SQS are signed with AccessKey and SecretAccessKey, or the standard AWS credential chain's.", name);
        }
    }

    /// <summary>A URL as a refusal shows it: control characters escaped, a user name and password masked (<c>***@</c>).</summary>
    private static string ShownUrl(string url) => ProxyAddress.Masked(url);

    private static bool IsHttpUrl(string value, out Uri url) =>
        Uri.TryCreate(value, UriKind.Absolute, out url!) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps) && url.Host.Length > 0;
}
