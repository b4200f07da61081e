using Amazon.SQS;
using Microsoft.Extensions.Logging;

namespace ThreadedLogging;

/// <summary>
/// A logging handler that sends the logs to an Amazon SQS queue from a background worker (the seed's
/// <c>ThreadedAwsHandler</c>). Log calls only enqueue; the worker packs batches into <c>SendMessageBatch</c>
/// calls, and retries, drops and counts exactly as every <see cref="ThreadedHandler"/> does.
/// </summary>
/// <remarks>
/// Throttling, refused keys, a KMS key of the queue that cannot be used, a missing queue and the network are retried
/// until SQS takes the events; a message too large is split, then cut. Any other sender fault (HTTP 400:
/// <c>InvalidMessageContents</c>, <c>InvalidParameterValue</c>, <c>MissingParameter</c>…) refuses the request itself:
/// an entry refused in a call is sent once more alone, and refused again it is dropped alone (counted in
/// <see cref="ThreadedHandlerStatistics.Dropped"/>, said in the self-log and on the EventSource) while the rest is
/// delivered once; a whole call refused with such a 400 (other than <c>InvalidMessageContents</c>) is retried like
/// throttling, since it is every event's. A 500 is retried, and an event SQS fails on 5 times in a row is dropped alone.
/// </remarks>
[ProviderAlias("ThreadedAws")]
public sealed class ThreadedAwsHandler : ThreadedHandler
{
    /// <summary>Creates a handler that sends to the queue <paramref name="queueName"/> with the given keys.</summary>
    /// <param name="accessKey">The AWS access key id.</param>
    /// <param name="secretAccessKey">The AWS secret access key.</param>
    /// <param name="queueName">The name of the queue.</param>
    /// <param name="revision">The deployment revision of the app, sent with every record.</param>
    /// <param name="options">Region, service URL, body format and pipeline options; the arguments take precedence. Not modified.</param>
    /// <exception cref="ArgumentException">A key, the queue name or an option is invalid; the message names it.</exception>
    public ThreadedAwsHandler(string accessKey, string secretAccessKey, string queueName, int revision = 0, ThreadedAwsHandlerOptions? options = null)
        : this(SqsHandlerSetup.Create(options, o =>
        {
            ArgumentException.ThrowIfNullOrEmpty(accessKey);
            ArgumentException.ThrowIfNullOrEmpty(secretAccessKey);
            SqsQueueName.Validate(queueName, nameof(queueName));
            o.AccessKey = accessKey;
            o.SecretAccessKey = secretAccessKey;
            o.QueueName = queueName;
            o.QueueUrl = null;
            o.Revision = revision;
        }))
    {
    }

    /// <summary>Creates a handler from options alone: the queue, and credentials from the options or the standard AWS chain.</summary>
    /// <param name="options">The options; not modified.</param>
    /// <exception cref="ArgumentException">The queue or an option is invalid; the message names it.</exception>
    public ThreadedAwsHandler(ThreadedAwsHandlerOptions options)
        : this(SqsHandlerSetup.Create(options ?? throw new ArgumentNullException(nameof(options))))
    {
    }

    /// <summary>Creates a handler that sends through a client of the caller's (tests: fault injection).</summary>
    internal ThreadedAwsHandler(ThreadedAwsHandlerOptions options, IAmazonSQS client)
        : this(SqsHandlerSetup.Create(options, client: client))
    {
    }

    private ThreadedAwsHandler(SqsHandlerSetup setup)
        : base(setup.Sink, setup.Options)
    {
    }
}
