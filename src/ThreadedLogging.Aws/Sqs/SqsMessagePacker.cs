using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace ThreadedLogging;

/// <summary>
/// Packs a batch into SQS messages no larger than the queue allows. Deterministic: the same batch id and
/// events give the same messages and dedupe ids, so a resent message is recognised by the consumer.
/// </summary>
internal sealed class SqsMessagePacker(SqsMessageFormat format, bool compress, int revision)
{
    /// <summary>Below this a JsonBatch body is not worth compressing.</summary>
    private const int CompressionThreshold = 1024;

    private const int InitialBufferBytes = 16 * 1024;

    private ArrayBufferWriter<byte> _buffer = new(InitialBufferBytes);

    /// <summary>Packs <paramref name="batch"/> into messages of at most <paramref name="maxMessageBytes"/> each.</summary>
    public SqsPackResult Pack(LogBatch batch, int maxMessageBytes)
    {
        var messages = new List<SqsOutgoingMessage>();
        var oversize = (Index: -1, Bytes: 0);
        if (format == SqsMessageFormat.SeedRecord)
        {
            for (var i = 0; i < batch.Events.Count; i++)
            {
                var message = EncodeSeedRecord(batch, i);
                if (message.Size > maxMessageBytes)
                {
                    oversize = (i, message.Size);
                    break;
                }

                messages.Add(message);
            }
        }
        else
        {
            PackJsonBatch(batch, 0, batch.Events.Count, maxMessageBytes, messages, ref oversize);
        }

        if (_buffer.Capacity > 2 * SqsLimits.MaxPayloadBytes)
        {
            // A huge batch (MaxBatchBytes far above 1 MiB) must not pin its JSON for the handler's lifetime.
            _buffer = new ArrayBufferWriter<byte>(InitialBufferBytes);
        }

        return new SqsPackResult(messages, oversize.Index, oversize.Bytes);
    }

    /// <summary>
    /// One message for the whole run when it fits, else the two halves, recursively: few messages for the
    /// usual batch, and a lone event only when it must be.
    /// </summary>
    private void PackJsonBatch(LogBatch batch, int start, int count, int maxMessageBytes, List<SqsOutgoingMessage> messages, ref (int Index, int Bytes) oversize)
    {
        if (oversize.Index >= 0 || count == 0)
        {
            return;
        }

        var message = EncodeJsonBatch(batch, start, count, messages.Count);
        if (message.Size <= maxMessageBytes)
        {
            messages.Add(message);
            return;
        }

        if (count == 1)
        {
            oversize = (start, message.Size);
            return;
        }

        var half = count / 2;
        PackJsonBatch(batch, start, half, maxMessageBytes, messages, ref oversize);
        PackJsonBatch(batch, start + half, count - half, maxMessageBytes, messages, ref oversize);
    }

    private SqsOutgoingMessage EncodeJsonBatch(LogBatch batch, int start, int count, int part)
    {
        var dedupeId = DedupeId(batch, part);

        // The envelope's batchId is the message's dedupe id: a consumer dedupes it like an HTTP Idempotency-Key.
        _buffer.ResetWrittenCount();
        SqsBodyWriter.WriteJsonBatch(batch, dedupeId, start, count, _buffer);
        var json = _buffer.WrittenSpan;

        if (compress && json.Length >= CompressionThreshold)
        {
            var zipped = Gzip(json);
            if (Base64.GetMaxEncodedToUtf8Length(zipped.Length) < json.Length)
            {
                var body = Convert.ToBase64String(zipped);
                return new SqsOutgoingMessage(body, SqsMessageAttributes.JsonBatchGzipFormat, dedupeId, count,
                    SqsOutgoingMessage.SizeOf(body.Length, SqsMessageAttributes.JsonBatchGzipFormat, dedupeId));
            }
        }

        return new SqsOutgoingMessage(Encoding.UTF8.GetString(json), SqsMessageAttributes.JsonBatchFormat, dedupeId, count,
            SqsOutgoingMessage.SizeOf(json.Length, SqsMessageAttributes.JsonBatchFormat, dedupeId));
    }

    private SqsOutgoingMessage EncodeSeedRecord(LogBatch batch, int index)
    {
        var dedupeId = DedupeId(batch, index);
        _buffer.ResetWrittenCount();
        SqsBodyWriter.WriteSeedRecord(batch.Events[index], batch.Identity, revision, _buffer);
        var json = _buffer.WrittenSpan;
        return new SqsOutgoingMessage(Encoding.UTF8.GetString(json), SqsMessageAttributes.SeedRecordFormat, dedupeId, 1,
            SqsOutgoingMessage.SizeOf(json.Length, SqsMessageAttributes.SeedRecordFormat, dedupeId));
    }

    /// <summary>
    /// The core gives a batch a new id whenever its set of events changes (a split, a partial success), so
    /// batch id + part index names the same content on every resend.
    /// </summary>
    private static string DedupeId(LogBatch batch, int part) => string.Create(CultureInfo.InvariantCulture, $"{batch.Id}-{part}");

    private static byte[] Gzip(ReadOnlySpan<byte> json)
    {
        using var output = new MemoryStream(json.Length / 4 + 64);
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(json);
        }

        return output.ToArray();
    }
}
