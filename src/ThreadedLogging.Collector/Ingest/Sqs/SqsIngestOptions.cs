namespace ThreadedLogging.Collector.Ingest.Sqs;

/// <summary>
/// The SQS queues the collector drains, bound from <c>Collector:Sqs</c>. Messages are deleted only after
/// their events are committed; what cannot be parsed is set aside in the poison table, never retried forever.
/// </summary>
internal sealed class SqsIngestOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Collector:Sqs";

    /// <summary>Gets or sets the queues. The default value is none: no SQS ingest.</summary>
    public List<SqsQueueOptions> Queues { get; set; } = [];

    /// <summary>Gets or sets how many receivers long-poll each queue at once. The default value is 2.</summary>
    public int ReceiversPerQueue { get; set; } = 2;

    /// <summary>Gets or sets the long-poll wait of a receive, in seconds (0 to 20). The default value is 20.</summary>
    public int WaitTimeSeconds { get; set; } = 20;

    /// <summary>
    /// Gets or sets the visibility timeout asked for on receive, in seconds. A message not yet handled when it
    /// runs out is left alone (another receiver gets it again) rather than handled twice at once. The default value is 60.
    /// </summary>
    public int VisibilityTimeoutSeconds { get; set; } = 60;

    /// <summary>
    /// Gets or sets how many receives a message whose events cannot be stored gets before it is set aside (tries: not counting
    /// those that left it untried, <c>Collector:MaxReceivingBytes</c> spent, the store unable to take writes, or its visibility
    /// timeout out before its turn). Unparseable messages are set aside at once.
    /// The default value is 5.
    /// </summary>
    public int MaxReceiveCount { get; set; } = 5;

    /// <summary>Gets or sets the pause after a failed receive (queue missing, network). The default value is 5 seconds.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Returns the problems of these options, each naming the option and its value.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        for (var i = 0; i < Queues.Count; i++)
        {
            var queue = Queues[i];
            if (string.IsNullOrWhiteSpace(queue.Name) == string.IsNullOrWhiteSpace(queue.Url))
            {
                errors.Add($"{SectionName}:Queues:{i} must have a Name or a Url (exactly one).");
            }

            // http or https only: "/123/q" is an absolute (file) URI on Unix and "localhost:9324" one of scheme
            // "localhost"; both were accepted, and every receive failed, retried every RetryDelay for ever.
            // Quoted masked: a user part (which Uri does not parse when its password holds a '/') may hold a secret.
            if (queue.Url is { } url && !IsHttp(url))
            {
                errors.Add($"{SectionName}:Queues:{i}:Url must be an absolute http or https URL (was '{ProxyAddress.Masked(url)}').");
            }

            if (queue.ServiceUrl is { } service && !IsHttp(service))
            {
                errors.Add($"{SectionName}:Queues:{i}:ServiceUrl must be an absolute http or https URL (was '{ProxyAddress.Masked(service)}').");
            }

            if (string.IsNullOrEmpty(queue.AccessKey) != string.IsNullOrEmpty(queue.SecretAccessKey))
            {
                errors.Add($"{SectionName}:Queues:{i} must have both AccessKey and SecretAccessKey, or neither.");
            }

            CheckCredentialsAndRegion(queue, $"{SectionName}:Queues:{i}", errors);
        }

        if (ReceiversPerQueue is < 1 or > 64)
        {
            errors.Add($"{SectionName}:ReceiversPerQueue must be between 1 and 64 (was {ReceiversPerQueue}).");
        }

        if (WaitTimeSeconds is < 0 or > 20)
        {
            errors.Add($"{SectionName}:WaitTimeSeconds must be between 0 and 20 (was {WaitTimeSeconds}).");
        }

        if (VisibilityTimeoutSeconds is < 1 or > 43_200)
        {
            errors.Add($"{SectionName}:VisibilityTimeoutSeconds must be between 1 and 43200 (was {VisibilityTimeoutSeconds}).");
        }

        if (MaxReceiveCount is < 1 or > 1000)
        {
            errors.Add($"{SectionName}:MaxReceiveCount must be between 1 and 1000 (was {MaxReceiveCount}).");
        }

        // At most an hour: a longer one (a "forever" TimeSpan.MaxValue) threw from the first pause after a failed
        // receive, and that receiver stopped for good without a word.
        if (RetryDelay < TimeSpan.FromMilliseconds(1) || RetryDelay > TimeSpan.FromHours(1))
        {
            errors.Add($"{SectionName}:RetryDelay must be between 00:00:00.001 and 01:00:00 (was {RetryDelay}).");
        }

        return errors;
    }

    private static bool IsHttp(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) && !string.IsNullOrEmpty(uri.Host);

    /// <summary>
    /// The checks the client's SQS handler makes of the same values: a session token without keys was ignored (the
    /// standard credential chain ran instead), a pasted line break or space made keys AWS does not know (every receive
    /// refused, retried for ever), and a region that is none made the SDK throw its own words or sign for nothing.
    /// </summary>
    private static void CheckCredentialsAndRegion(SqsQueueOptions queue, string path, List<string> errors)
    {
        if (!string.IsNullOrEmpty(queue.SessionToken) && string.IsNullOrEmpty(queue.AccessKey))
        {
            errors.Add($"{path}:SessionToken must come with AccessKey and SecretAccessKey (the temporary keys it belongs to).");
        }

        foreach (var (name, secret) in new[] { ("AccessKey", queue.AccessKey), ("SecretAccessKey", queue.SecretAccessKey), ("SessionToken", queue.SessionToken) })
        {
            var at = secret is null ? -1 : secret.AsSpan().IndexOfAnyExceptInRange('!', '~');
            if (at >= 0)
            {
                errors.Add($"{path}:{name} has white space, a control or a non-ASCII character at index {at} (the key itself is not shown).");
            }
        }

        if (queue.Region is { } region && !AwsRegionName.IsValid(region))
        {
            errors.Add($"{path}:Region must be {AwsRegionName.Form} (was '{region}').");
        }
    }
}
