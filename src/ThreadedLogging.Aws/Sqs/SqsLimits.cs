namespace ThreadedLogging;

/// <summary>The Amazon SQS service limits the sink packs its calls into.</summary>
internal static class SqsLimits
{
    /// <summary>Entries in one <c>SendMessageBatch</c> call.</summary>
    public const int MaxEntriesPerBatch = 10;

    /// <summary>
    /// The largest message, and the largest total payload of one <c>SendMessageBatch</c> call: 1 MiB
    /// (1,048,576 bytes), counting the body and every attribute's name, data type and value. Raised from
    /// 256 KiB (262,144 bytes) in 2025; stated in the API reference of <c>SendMessageBatch</c> and of the
    /// <c>MaximumMessageSize</c> queue attribute shipped with AWSSDK.SQS 4.0.100.25 (AWSSDK.SQS.xml). A queue
    /// created before the change may still have <c>MaximumMessageSize</c> = 262,144: the sink reads it.
    /// </summary>
    public const int MaxPayloadBytes = 1_048_576;

    /// <summary>The smallest <c>MaximumMessageSize</c> a queue can have.</summary>
    public const int MinMessageBytes = 1_024;

    /// <summary>The longest queue name, <c>.fifo</c> suffix included.</summary>
    public const int MaxQueueNameLength = 80;
}
