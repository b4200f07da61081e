using System.IO.Compression;
using System.Text.Json;
using Amazon.SQS;
using Amazon.SQS.Model;

namespace ThreadedLogging.Aws.Tests.Support;

/// <summary>A message read back from the queue, its body decoded.</summary>
public sealed record ReceivedMessage(string Format, string DedupeId, string Json, int Size);

/// <summary>Reads a queue to the end with the SDK, as a consumer would, and decodes what the handler sent.</summary>
public static class QueueReader
{
    /// <summary>Receives and deletes every visible message. Call after the handler flushed: nothing is in flight then.</summary>
    public static async Task<List<ReceivedMessage>> DrainAsync(IAmazonSQS client, string queueUrl)
    {
        var all = new List<ReceivedMessage>();
        while (true)
        {
            var response = await client.ReceiveMessageAsync(new ReceiveMessageRequest
            {
                QueueUrl = queueUrl,
                MaxNumberOfMessages = 10,
                WaitTimeSeconds = 0,
                MessageAttributeNames = ["All"],
            });
            if (response.Messages is not { Count: > 0 } messages)
            {
                return all;
            }

            foreach (var message in messages)
            {
                all.Add(Decode(message));
            }

            await client.DeleteMessageBatchAsync(queueUrl, messages.Select((m, i) => new DeleteMessageBatchRequestEntry(i.ToString(), m.ReceiptHandle)).ToList());
        }
    }

    public static ReceivedMessage Decode(Message message)
    {
        var format = message.MessageAttributes[SqsMessageAttributes.Format].StringValue;
        var dedupe = message.MessageAttributes[SqsMessageAttributes.DedupeId].StringValue;
        var json = format == SqsMessageAttributes.JsonBatchGzipFormat ? Gunzip(message.Body) : message.Body;
        return new ReceivedMessage(format, dedupe, json, System.Text.Encoding.UTF8.GetByteCount(message.Body));
    }

    /// <summary>The events of JsonBatch messages: (instanceId, sequence, message; the template when the event has no message).</summary>
    public static List<(string InstanceId, long Sequence, string Message)> Events(IEnumerable<ReceivedMessage> messages)
    {
        var events = new List<(string, long, string)>();
        foreach (var m in messages)
        {
            using var doc = JsonDocument.Parse(m.Json);
            var root = doc.RootElement;
            if (m.Format == SqsMessageAttributes.SeedRecordFormat)
            {
                events.Add((root.GetProperty("instanceId").GetString()!, root.GetProperty("sequence").GetInt64(), root.GetProperty("msg").GetString()!));
                continue;
            }

            var envelopeInstance = root.TryGetProperty("instanceId", out var i) ? i.GetString() : null;
            foreach (var e in root.GetProperty("events").EnumerateArray())
            {
                var instance = e.TryGetProperty("instanceId", out var own) ? own.GetString() : envelopeInstance;
                var message = e.TryGetProperty("message", out var rendered) ? rendered : e.GetProperty("template"); // absent: the template's text, as the collector reads it
                events.Add((instance!, e.GetProperty("sequence").GetInt64(), message.GetString()!));
            }
        }

        return events;
    }

    private static string Gunzip(string base64)
    {
        using var input = new MemoryStream(Convert.FromBase64String(base64));
        using var gzip = new GZipStream(input, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        return reader.ReadToEnd();
    }
}
