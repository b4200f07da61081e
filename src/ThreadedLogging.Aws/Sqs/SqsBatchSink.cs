using System.Globalization;
using Amazon.Runtime;
using Amazon.SQS;
using Amazon.SQS.Model;

namespace ThreadedLogging;

/// <summary>
/// Sends batches to an SQS queue with <c>SendMessageBatch</c>: the batch is packed into messages within the
/// queue's size limit, the messages into calls of at most 10 entries and 1 MiB. An entry that fails inside a
/// successful call is retried alone, once; what still fails becomes a <see cref="SendResult"/> that tells the events SQS
/// accepted before it (<see cref="SendResult.Completed"/>) and after it in the same call
/// (<see cref="SendResult.DeliveredAfter"/>), so the pipeline resends exactly what SQS did not take — or, when SQS
/// refused it alone with a sender fault about the request (a 400 that is no throttling, key, KMS, queue or size
/// matter: see <see cref="Classify"/>), drops that event alone as <see cref="SendOutcome.Rejected"/>, never retrying it.
/// </summary>
internal sealed partial class SqsBatchSink : ILogBatchSink, ICopiesEvents, IDisposable
{
    private readonly IAmazonSQS _client;
    private readonly bool _ownsClient;
    private readonly string? _queueName;
    private readonly string? _queueUrl;
    private readonly int _maxMessageBytes;
    private readonly SqsMessagePacker _packer;
    private SqsQueueTarget? _target;
    private int _statedMaxMessageBytes = int.MaxValue; // the limit a refusal of SQS stated, kept when the queue's attribute cannot be read

    /// <summary>Creates a sink that sends through <paramref name="client"/>.</summary>
    /// <param name="options">Validated options: the queue, the body format and the size limit.</param>
    /// <param name="client">The SQS client.</param>
    /// <param name="ownsClient">Whether disposing the sink disposes the client.</param>
    public SqsBatchSink(ThreadedAwsHandlerOptions options, IAmazonSQS client, bool ownsClient)
    {
        _client = client;
        _ownsClient = ownsClient;
        _queueName = options.QueueName;
        _queueUrl = options.QueueUrl;
        _maxMessageBytes = options.MaxMessageBytes;
        _packer = new SqsMessagePacker(options.MessageFormat, options.Compress, options.Revision);
    }

    /// <summary>The queue, for error texts.</summary>
    private string QueueLabel => _queueName ?? _queueUrl ?? "?";

    /// <inheritdoc />
    public async ValueTask<SendResult> SendAsync(LogBatch batch, CancellationToken cancellationToken)
    {
        var completed = 0;
        try
        {
            var target = _target ?? await ResolveAsync(cancellationToken).ConfigureAwait(false);
            var packed = _packer.Pack(batch, target.MaxMessageBytes);
            var messages = packed.Messages;
            for (var first = 0; first < messages.Count;)
            {
                var count = NextCallSize(messages, first);
                var (accepted, failure) = await SendCallAsync(target, batch.Identity, messages, first, count, cancellationToken).ConfigureAwait(false);
                if (failure is { } result)
                {
                    return Partial(result, messages, first, accepted, completed);
                }

                for (var i = first; i < first + count; i++)
                {
                    completed += messages[i].EventCount;
                }

                first += count;
            }

            if (packed.OversizeEvent >= 0)
            {
                return new SendResult(SendOutcome.TooLarge, completed, Error: string.Create(CultureInfo.InvariantCulture,
                    $"An event makes a {packed.OversizeBytes}-byte SQS message; the queue '{QueueLabel}' takes at most {target.MaxMessageBytes} bytes."));
            }

            return SendResult.Success;
        }
        catch (Exception e) when (Classify(e, alone: false, cancellationToken) is { } result)
        {
            return result with { Completed = completed };
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsClient)
        {
            _client.Dispose();
        }
    }

    /// <summary>How many messages from <paramref name="first"/> go in one call: at most 10, at most 1 MiB together.</summary>
    private static int NextCallSize(IReadOnlyList<SqsOutgoingMessage> messages, int first)
    {
        var count = 0;
        long bytes = 0;
        while (first + count < messages.Count && count < SqsLimits.MaxEntriesPerBatch)
        {
            var size = messages[first + count].Size;
            if (count > 0 && bytes + size > SqsLimits.MaxPayloadBytes)
            {
                break;
            }

            bytes += size;
            count++;
        }

        return count;
    }

    /// <summary>
    /// Sends messages [first, first+count) in one call, then each entry the call reported as failed alone, up to the
    /// first that fails alone too. Returns that failure, if any, and then which of the call's messages SQS accepted.
    /// </summary>
    private async Task<(bool[] Accepted, SendResult? Failure)> SendCallAsync(
        SqsQueueTarget target, LogIdentity identity, IReadOnlyList<SqsOutgoingMessage> messages, int first, int count, CancellationToken cancellationToken)
    {
        var entries = new List<SendMessageBatchRequestEntry>(count);
        for (var i = 0; i < count; i++)
        {
            var message = messages[first + i];
            entries.Add(new SendMessageBatchRequestEntry
            {
                Id = i.ToString(CultureInfo.InvariantCulture),
                MessageBody = message.Body,
                MessageAttributes = Attributes(message),
                MessageGroupId = target.IsFifo ? identity.InstanceId : null,
                MessageDeduplicationId = target.IsFifo ? message.DedupeId : null,
            });
        }

        var response = await _client.SendMessageBatchAsync(new SendMessageBatchRequest { QueueUrl = target.Url, Entries = entries }, cancellationToken)
            .ConfigureAwait(false);
        if (response.Failed is not { Count: > 0 } failedEntries)
        {
            return ([], null);
        }

        var accepted = new bool[count];
        Array.Fill(accepted, true);
        foreach (var entry in failedEntries)
        {
            if (int.TryParse(entry.Id, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < count)
            {
                accepted[index] = false;
            }
        }

        for (var i = 0; i < count; i++)
        {
            if (accepted[i])
            {
                continue;
            }

            try
            {
                var entry = entries[i];
                await _client.SendMessageAsync(
                    new SendMessageRequest
                    {
                        QueueUrl = target.Url,
                        MessageBody = entry.MessageBody,
                        MessageAttributes = entry.MessageAttributes,
                        MessageGroupId = entry.MessageGroupId,
                        MessageDeduplicationId = entry.MessageDeduplicationId,
                    },
                    cancellationToken).ConfigureAwait(false);
                accepted[i] = true;
            }
            catch (Exception e) when (Classify(e, alone: true, cancellationToken) is { } result)
            {
                return (accepted, result);
            }
        }

        return ([], null);
    }

    /// <summary>
    /// The result of a call that stopped at a failure: the events SQS accepted before the first refused message are
    /// <see cref="SendResult.Completed"/>, those it accepted after it <see cref="SendResult.DeliveredAfter"/>, so the
    /// pipeline resends exactly what SQS did not take.
    /// </summary>
    private static SendResult Partial(SendResult failure, IReadOnlyList<SqsOutgoingMessage> messages, int first, bool[] accepted, int completed)
    {
        var offset = completed;
        var runs = new List<(int Offset, int Count)>();
        var leading = true;
        for (var i = 0; i < accepted.Length; i++)
        {
            var events = messages[first + i].EventCount;
            if (!accepted[i])
            {
                leading = false;
            }
            else if (leading)
            {
                completed += events;
            }
            else if (runs.Count > 0 && runs[^1].Offset + runs[^1].Count == offset)
            {
                runs[^1] = (runs[^1].Offset, runs[^1].Count + events);
            }
            else
            {
                runs.Add((offset, events));
            }

            offset += events;
        }

        return failure with { Completed = completed, DeliveredAfter = runs.Count > 0 ? runs : null };
    }

    private static Dictionary<string, MessageAttributeValue> Attributes(SqsOutgoingMessage message) => new(StringComparer.Ordinal)
    {
        [SqsMessageAttributes.Format] = new MessageAttributeValue { DataType = "String", StringValue = message.Format },
        [SqsMessageAttributes.DedupeId] = new MessageAttributeValue { DataType = "String", StringValue = message.DedupeId },
    };

    /// <summary>Looks the queue URL up (unless configured) and reads the queue's size limit; cached until the queue goes missing.</summary>
    private async Task<SqsQueueTarget> ResolveAsync(CancellationToken cancellationToken)
    {
        var url = _queueUrl
            ?? (await _client.GetQueueUrlAsync(new GetQueueUrlRequest { QueueName = _queueName }, cancellationToken).ConfigureAwait(false)).QueueUrl;
        var maxMessageBytes = _maxMessageBytes;
        try
        {
            var attributes = await _client.GetQueueAttributesAsync(
                new GetQueueAttributesRequest { QueueUrl = url, AttributeNames = ["MaximumMessageSize"] }, cancellationToken).ConfigureAwait(false);
            if (attributes.Attributes is { } values
                && values.TryGetValue("MaximumMessageSize", out var text)
                && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var queueMax)
                && queueMax >= SqsLimits.MinMessageBytes)
            {
                maxMessageBytes = Math.Min(maxMessageBytes, queueMax);
                _statedMaxMessageBytes = int.MaxValue; // the queue's own word replaces what a refusal said
            }
        }
        catch (AmazonServiceException e) when (e is not QueueDoesNotExistException)
        {
            // Reading attributes needs sqs:GetQueueAttributes, which a send-only key may lack: the option stands, lowered
            // to what a refusal of SQS stated, so that one refusal, not every batch, finds the queue's limit.
        }

        return _target = new SqsQueueTarget(url, Math.Min(maxMessageBytes, _statedMaxMessageBytes), SqsQueueName.IsFifo(url));
    }
}
