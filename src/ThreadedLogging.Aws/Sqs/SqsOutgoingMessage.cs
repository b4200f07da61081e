namespace ThreadedLogging;

/// <summary>One SQS message made from a run of a batch's events.</summary>
/// <param name="Body">The message body.</param>
/// <param name="Format">The <see cref="SqsMessageAttributes.Format"/> value.</param>
/// <param name="DedupeId">The <see cref="SqsMessageAttributes.DedupeId"/> value.</param>
/// <param name="EventCount">How many events of the batch the message carries.</param>
/// <param name="Size">The size SQS counts: body bytes plus each attribute's name, data type and value.</param>
internal sealed record SqsOutgoingMessage(string Body, string Format, string DedupeId, int EventCount, int Size)
{
    private const string StringType = "String";

    /// <summary>The size SQS counts for a message with this body, format and dedupe id.</summary>
    public static int SizeOf(int bodyBytes, string format, string dedupeId) =>
        bodyBytes
        + SqsMessageAttributes.Format.Length + StringType.Length + format.Length
        + SqsMessageAttributes.DedupeId.Length + StringType.Length + dedupeId.Length;
}
