namespace ThreadedLogging.Collector.Ingest.Sqs;

/// <summary>One queue the collector drains (<c>Collector:Sqs:Queues:N</c>).</summary>
internal sealed class SqsQueueOptions
{
    /// <summary>Gets or sets the queue name; its URL is looked up. Either this or <see cref="Url"/>.</summary>
    public string? Name { get; set; }

    /// <summary>Gets or sets the queue URL.</summary>
    public string? Url { get; set; }

    /// <summary>Gets or sets the AWS region. Null: the SDK's region chain, or us-east-1 with <see cref="ServiceUrl"/>.</summary>
    public string? Region { get; set; }

    /// <summary>Gets or sets the endpoint of an SQS-compatible server.</summary>
    public string? ServiceUrl { get; set; }

    /// <summary>Gets or sets the access key id. Null: the standard AWS credential chain.</summary>
    public string? AccessKey { get; set; }

    /// <summary>Gets or sets the secret access key.</summary>
    public string? SecretAccessKey { get; set; }

    /// <summary>Gets or sets the session token of temporary keys.</summary>
    public string? SessionToken { get; set; }

    /// <summary>Gets the name shown in logs, statistics and the poison table.</summary>
    public string Label => Name ?? Url?.TrimEnd('/').Split('/')[^1] ?? "?";
}
