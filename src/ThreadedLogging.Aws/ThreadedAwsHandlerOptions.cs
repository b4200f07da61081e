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
    /// <value>The default value is <see langword="true"/>.</value>
    public bool Compress { get; set; } = true;

    /// <summary>
    /// Gets or sets the largest message sent, in bytes (body and attributes). The queue's own
    /// <c>MaximumMessageSize</c> lowers it when it is smaller.
    /// </summary>
    /// <value>The default value is 1,048,576 (1 MiB), the SQS limit.</value>
    public int MaxMessageBytes { get; set; } = SqsLimits.MaxPayloadBytes;

    /// <summary>Gets or sets how long one SQS call may take.</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The queue or the credentials are missing or invalid.</exception>
    public override void Validate()
    {
        base.Validate();
        if (QueueUrl is null)
        {
            SqsQueueName.Validate(QueueName, nameof(QueueName));
        }
        else if (!Uri.TryCreate(QueueUrl, UriKind.Absolute, out _))
        {
            throw new ArgumentException($"QueueUrl must be an absolute URL (was '{QueueUrl}').", nameof(QueueUrl));
        }

        if (string.IsNullOrEmpty(AccessKey) != string.IsNullOrEmpty(SecretAccessKey))
        {
            throw new ArgumentException("AccessKey and SecretAccessKey must be given together, or neither (to use the standard AWS credential chain).", nameof(SecretAccessKey));
        }

        if (ServiceUrl is not null && !Uri.TryCreate(ServiceUrl, UriKind.Absolute, out _))
        {
            throw new ArgumentException($"ServiceUrl must be an absolute URL (was '{ServiceUrl}').", nameof(ServiceUrl));
        }

        Check(Enum.IsDefined(MessageFormat), nameof(MessageFormat), "JsonBatch or SeedRecord", MessageFormat);
        Check(MaxMessageBytes is >= SqsLimits.MinMessageBytes and <= SqsLimits.MaxPayloadBytes, nameof(MaxMessageBytes), "between 1024 and 1048576", MaxMessageBytes);
        Check(RequestTimeout > TimeSpan.Zero, nameof(RequestTimeout), "positive", RequestTimeout);
    }

    /// <summary>A copy the handler can adjust without touching the caller's object.</summary>
    internal ThreadedAwsHandlerOptions Copy() => (ThreadedAwsHandlerOptions)MemberwiseClone();
}
