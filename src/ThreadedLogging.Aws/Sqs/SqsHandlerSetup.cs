using System.Globalization;
using Amazon.SQS;

namespace ThreadedLogging;

/// <summary>What a handler hands its base class: its own copy of the options, validated, and the sink.</summary>
internal sealed class SqsHandlerSetup
{
    private SqsHandlerSetup(ThreadedAwsHandlerOptions options, ILogBatchSink sink)
    {
        Options = options;
        Sink = sink;
    }

    public ThreadedAwsHandlerOptions Options { get; }

    public ILogBatchSink Sink { get; }

    /// <summary>Copies and completes the options, validates them, and creates the sink (and its client unless given).</summary>
    /// <param name="options">The caller's options; not modified.</param>
    /// <param name="configure">Applied to the copy: the constructor's arguments.</param>
    /// <param name="client">A client to use instead of one built from the options; not disposed by the sink.</param>
    public static SqsHandlerSetup Create(ThreadedAwsHandlerOptions? options, Action<ThreadedAwsHandlerOptions>? configure = null, IAmazonSQS? client = null)
    {
        var copy = options?.Copy() ?? new ThreadedAwsHandlerOptions();
        configure?.Invoke(copy);
        if (copy.Version is null && copy.Revision != 0)
        {
            copy.Version = copy.Revision.ToString(CultureInfo.InvariantCulture);
        }

        copy.Validate();
        var sink = client is null
            ? new SqsBatchSink(copy, SqsClientFactory.Create(copy), ownsClient: true)
            : new SqsBatchSink(copy, client, ownsClient: false);
        return new SqsHandlerSetup(copy, sink);
    }
}
