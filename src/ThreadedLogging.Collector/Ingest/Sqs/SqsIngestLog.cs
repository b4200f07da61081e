namespace ThreadedLogging.Collector.Ingest.Sqs;

/// <summary>The SQS consumer's log messages (source-generated; fixed event ids from 100).</summary>
internal static partial class SqsIngestLog
{
    [LoggerMessage(100, LogLevel.Information, "Draining SQS queue {Queue} with {Receivers} receivers")]
    public static partial void Started(ILogger logger, string queue, int receivers);

    [LoggerMessage(101, LogLevel.Warning, "Receiving from SQS queue {Queue} failed; retrying in {Delay}: {Error} ({Suppressed} more receives failed so since the last such line, at most one a minute)")]
    public static partial void ReceiveFailed(ILogger logger, string queue, TimeSpan delay, string error, long suppressed);

    [LoggerMessage(102, LogLevel.Warning, "SQS message {MessageId} from {Queue} set aside as poison: {Reason} ({Suppressed} more set aside for this kind of reason since the last such line, at most one a minute; each in GET /api/ingest/sqs/poison)")]
    public static partial void Poisoned(ILogger logger, string messageId, string queue, string reason, long suppressed);

    [LoggerMessage(103, LogLevel.Error, "Storing SQS message {MessageId} from {Queue} failed (try {Try}); it stays in the queue ({Suppressed} more of this queue's messages failed with this error since the last such line, at most one a minute)")]
    public static partial void StoreFailed(ILogger logger, string messageId, string queue, int @try, long suppressed, Exception exception);

    [LoggerMessage(104, LogLevel.Debug, "SQS message {MessageId} from {Queue} was stored before; deleting it")]
    public static partial void Duplicate(ILogger logger, string messageId, string queue);

    [LoggerMessage(105, LogLevel.Warning, "Deleting {Count} SQS messages from {Queue} failed; they will be delivered again and deduplicated: {Error}")]
    public static partial void DeleteFailed(ILogger logger, int count, string queue, string error);

    [LoggerMessage(106, LogLevel.Information, "{Count} SQS messages from {Queue} reached their visibility timeout before they were handled; left for redelivery")]
    public static partial void Expired(ILogger logger, int count, string queue);

    [LoggerMessage(107, LogLevel.Error, "Decoding SQS message {MessageId} from {Queue} as {Format} failed (try {Try}): a defect; it stays in the queue ({Suppressed} more of this queue's messages failed with this error since the last such line, at most one a minute)")]
    public static partial void DecodeFailed(ILogger logger, string messageId, string queue, string format, int @try, long suppressed, Exception exception);

    [LoggerMessage(108, LogLevel.Warning, "{Count} SQS messages from {Queue} left in the queue for {Seconds} s: {Reason} ({Suppressed} more receives left so since the last such line, at most one a minute)")]
    public static partial void Overloaded(ILogger logger, int count, string queue, int seconds, string reason, long suppressed);

    [LoggerMessage(109, LogLevel.Information, "Receiving from SQS queue {Queue} works again after {Failures} failed receives since {Since:O} ({LeftOut} more times it worked again so since the last such line, at most one a minute)")]
    public static partial void ReceiveWorks(ILogger logger, string queue, long failures, DateTimeOffset since, long leftOut);

    // Information: a normal race (a batch key retention removes as its answer is read), over once it passes, that loses nothing and
    // asks nothing of an operator; 103 (an Error with its stack trace, "failed (try N)") said it as a failing store.
    [LoggerMessage(110, LogLevel.Information, "SQS message {MessageId} from {Queue} left in the queue, to be stored when received again in {Seconds} s (not a try): {Reason} ({Suppressed} more messages left so since the last such line, at most one a minute; each message said once)")]
    public static partial void RetryLater(ILogger logger, string messageId, string queue, int seconds, string reason, long suppressed);
}
