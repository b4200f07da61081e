using System.Collections.Concurrent;
using Amazon.Runtime;
using Amazon.SQS;
using Amazon.SQS.Model;

namespace ThreadedLogging.Aws.Tests.Support;

/// <summary>
/// The real SDK client talking to the emulator, which records the calls the sink makes and can inject
/// faults the emulator cannot produce (throttling, refused credentials, per-entry failures).
/// </summary>
public sealed class RecordingSqsClient(AmazonSQSConfig config) : AmazonSQSClient(new BasicAWSCredentials("test", "test"), config)
{
    private int _batchCalls;
    private int _queueUrlLookups;

    /// <summary>Gets (entries, SQS-counted bytes) of every SendMessageBatch call that reached the server.</summary>
    public ConcurrentQueue<(int Entries, long Bytes)> BatchCalls { get; } = new();

    /// <summary>Gets the bodies sent alone with SendMessage.</summary>
    public ConcurrentQueue<string> SingleSends { get; } = new();

    /// <summary>Gets or sets a fault for the n-th SendMessageBatch call (1-based), thrown instead of calling the server.</summary>
    public Func<int, Exception?>? FailBatchCall { get; set; }

    /// <summary>Gets or sets a fault for a SendMessageBatch call by what it carries, thrown instead of calling the server.</summary>
    public Func<SendMessageBatchRequest, Exception?>? FailBatchRequest { get; set; }

    /// <summary>Gets or sets which entries of a call the "server" reports as failed (without sending them).</summary>
    public Func<int, SendMessageBatchRequestEntry, bool>? FailEntry { get; set; }

    /// <summary>
    /// Gets or sets a change made to an entry of a call before the server gets it: a request the sink never makes itself,
    /// so that the server, not the test, refuses it (a body with a character SQS refuses, a parameter it refuses).
    /// </summary>
    public Action<SendMessageBatchRequestEntry>? ChangeEntry { get; set; }

    /// <summary>Gets or sets a change made to a message sent alone before the server gets it (as <see cref="ChangeEntry"/>).</summary>
    public Action<SendMessageRequest>? ChangeSingle { get; set; }

    /// <summary>Gets or sets a fault for a message sent alone, thrown instead of calling the server.</summary>
    public Func<SendMessageRequest, Exception?>? FailSingle { get; set; }

    public override async Task<SendMessageBatchResponse> SendMessageBatchAsync(SendMessageBatchRequest request, CancellationToken cancellationToken = default)
    {
        var call = Interlocked.Increment(ref _batchCalls);
        if ((FailBatchCall?.Invoke(call) ?? FailBatchRequest?.Invoke(request)) is { } fault)
        {
            throw fault;
        }

        request.Entries.ForEach(e => ChangeEntry?.Invoke(e));
        var failed = request.Entries.Where(e => FailEntry?.Invoke(call, e) == true).ToList();
        var passed = request.Entries.Except(failed).ToList();
        var response = new SendMessageBatchResponse { Successful = [], Failed = [] };
        if (passed.Count > 0)
        {
            BatchCalls.Enqueue((passed.Count, passed.Sum(Size)));
            var real = await base.SendMessageBatchAsync(new SendMessageBatchRequest { QueueUrl = request.QueueUrl, Entries = passed }, cancellationToken);
            response.Successful.AddRange(real.Successful ?? []);
            response.Failed.AddRange(real.Failed ?? []);
        }

        response.Failed.AddRange(failed.Select(e => new BatchResultErrorEntry { Id = e.Id, Code = "InternalError", SenderFault = false, Message = "injected" }));
        return response;
    }

    /// <summary>Gets how many times the sink looked the queue URL up.</summary>
    public int QueueUrlLookups => Volatile.Read(ref _queueUrlLookups);

    public override Task<GetQueueUrlResponse> GetQueueUrlAsync(GetQueueUrlRequest request, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _queueUrlLookups);
        return base.GetQueueUrlAsync(request, cancellationToken);
    }

    /// <summary>Gets or sets a fault thrown instead of reading the queue's attributes (a send-only key: no sqs:GetQueueAttributes).</summary>
    public Exception? FailQueueAttributes { get; set; }

    public override Task<GetQueueAttributesResponse> GetQueueAttributesAsync(GetQueueAttributesRequest request, CancellationToken cancellationToken = default) =>
        FailQueueAttributes is { } fault ? Task.FromException<GetQueueAttributesResponse>(fault) : base.GetQueueAttributesAsync(request, cancellationToken);

    public override Task<SendMessageResponse> SendMessageAsync(SendMessageRequest request, CancellationToken cancellationToken = default)
    {
        ChangeSingle?.Invoke(request);
        SingleSends.Enqueue(request.MessageBody);
        if (FailSingle?.Invoke(request) is { } fault)
        {
            return Task.FromException<SendMessageResponse>(fault);
        }

        return base.SendMessageAsync(request, cancellationToken);
    }

    public static long Size(SendMessageBatchRequestEntry e) =>
        System.Text.Encoding.UTF8.GetByteCount(e.MessageBody)
        + (e.MessageAttributes ?? []).Sum(a => a.Key.Length + a.Value.DataType.Length + (a.Value.StringValue?.Length ?? 0));
}
