using Amazon.SQS;
using Microsoft.Extensions.Logging;

namespace ThreadedLogging;

/// <summary>
/// A logging handler that sends the logs of an app deployed through CloudLaunch to its logging queue (the
/// seed's <c>CloudLaunchHandler</c>): the queue <c>cloudlaunch-{author}-{name}-logging</c>, the keys, the region
/// and the revision all come from the app's <see cref="CloudRecord"/>.
/// </summary>
[ProviderAlias("CloudLaunch")]
public sealed class CloudLaunchHandler : ThreadedHandler
{
    /// <summary>Creates a handler for the app described by <paramref name="record"/>.</summary>
    /// <param name="record">The deployment record (see <see cref="CloudRecord.Load"/>).</param>
    /// <param name="options">Service URL, body format and pipeline options; the record's fields take precedence. Not modified.</param>
    /// <exception cref="ArgumentException">The record cannot name a valid queue, or an option is invalid; the message names the field.</exception>
    public CloudLaunchHandler(CloudRecord record, ThreadedAwsHandlerOptions? options = null)
        : this(Setup(record, options, client: null))
    {
    }

    /// <summary>Creates a handler that sends through a client of the caller's (tests: fault injection).</summary>
    internal CloudLaunchHandler(CloudRecord record, ThreadedAwsHandlerOptions? options, IAmazonSQS client)
        : this(Setup(record, options, client))
    {
    }

    private CloudLaunchHandler(SqsHandlerSetup setup)
        : base(setup.Sink, setup.Options)
    {
    }

    private static SqsHandlerSetup Setup(CloudRecord record, ThreadedAwsHandlerOptions? options, IAmazonSQS? client)
    {
        ArgumentNullException.ThrowIfNull(record);
        var queueName = record.QueueName;
        return SqsHandlerSetup.Create(
            options,
            o =>
            {
                o.QueueName = queueName;
                o.QueueUrl = null;
                o.AccessKey = record.PublicAccessKey;
                o.SecretAccessKey = record.SecretKey;
                o.Region = record.Region ?? o.Region;
                o.Revision = record.Revision;
                o.App ??= record.Name;
            },
            client);
    }
}
