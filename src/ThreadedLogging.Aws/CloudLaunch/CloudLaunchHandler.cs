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

    /// <summary>
    /// The record names the queue, the keys and the revision and takes precedence (the constructor's contract); an option of
    /// <c>AddCloudLaunch</c> (<c>Logging:CloudLaunch:QueueName</c>, its delegate) that says otherwise was replaced without a
    /// word, and the app's events went elsewhere than its configuration said. Refused, naming the option (a key by name only).
    /// </summary>
    /// <exception cref="ArgumentException">An option differs from the record's field that replaces it.</exception>
    internal static void RefuseOverridden(ThreadedAwsHandlerOptions options, CloudRecord record)
    {
        const string fromRecord = "is taken from the CloudRecord";
        var queueName = record.QueueName;
        if (options.QueueName is { } name && name != queueName)
        {
            throw new ArgumentException($"QueueName {fromRecord} ('{queueName}'); the option ('{name}') would not be applied: remove it.", nameof(options.QueueName));
        }

        if (options.QueueUrl is { } url)
        {
            throw new ArgumentException($"QueueUrl must not be set for a CloudLaunchHandler: the queue {fromRecord} ('{queueName}', its URL looked up), and the option ('{url}') would not be applied.", nameof(options.QueueUrl));
        }

        if ((options.AccessKey is { } accessKey && accessKey != record.PublicAccessKey) || (options.SecretAccessKey is { } secret && secret != record.SecretKey))
        {
            var option = options.AccessKey is { } key && key != record.PublicAccessKey ? nameof(options.AccessKey) : nameof(options.SecretAccessKey);
            throw new ArgumentException($"{option} {fromRecord} (PublicAccessKey and SecretKey); the option holds another key, which would not be applied: remove it.", option);
        }

        if (options.Revision != 0 && options.Revision != record.Revision)
        {
            throw new ArgumentException($"Revision {fromRecord} ({record.Revision}); the option ({options.Revision}) would not be applied: remove it.", nameof(options.Revision));
        }
    }
}
