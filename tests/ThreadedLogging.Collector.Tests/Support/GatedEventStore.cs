using Microsoft.Extensions.DependencyInjection;
using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Tests.Support;

/// <summary>
/// The real store, with one query held until its cancellation token fires (shows that a reader stops its query
/// when the client goes away), or failing as a store that lost its database (<paramref name="fail"/>), or with a defect
/// on the batches holding a given event (<see cref="Poisoned"/>): faults a real store cannot be made to show on cue.
/// Everything else is forwarded.
/// </summary>
internal sealed class GatedEventStore(IEventStore inner, int heldQuery, bool fail = false) : IEventStore, IEventRetention
{
    private int _queries;

    /// <summary>Gets a task that completes when the held query has started.</summary>
    public TaskCompletionSource Held { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Gets a task that completes when the held query's token was cancelled.</summary>
    public TaskCompletionSource Cancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Queries => Volatile.Read(ref _queries);

    /// <summary>Gets or sets which events the store fails on, as with a defect (no unavailability): a batch holding one is refused whole.</summary>
    public Func<NewEvent, bool>? Poisoned { get; set; }

    /// <summary>Gets or sets what the store throws on a <see cref="Poisoned"/> batch.</summary>
    public Func<Exception> PoisonFault { get; set; } = () => new InvalidOperationException("a defect in the store on this event (GatedEventStore)");

    public bool IsReady => inner.IsReady;

    public EventCommitFeed Commits => inner.Commits;

    /// <summary>Replaces the registered store by a gated one around it.</summary>
    public static void Wrap(IServiceCollection services, int heldQuery, bool fail = false)
    {
        var descriptor = services.Single(d => d.ServiceType == typeof(IEventStore));
        services.Remove(descriptor);
        services.AddSingleton<IEventStore>(sp => new GatedEventStore((IEventStore)descriptor.ImplementationFactory!(sp), heldQuery, fail));
        var retention = services.Single(d => d.ServiceType == typeof(IEventRetention));
        services.Remove(retention);
        services.AddSingleton<IEventRetention>(sp => (IEventRetention)sp.GetRequiredService<IEventStore>());
    }

    public async Task<EventPage> QueryAsync(EventQuery query, CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _queries) == heldQuery)
        {
            Held.TrySetResult();
            if (fail)
            {
                throw new EventStoreUnavailableException("the database went away (GatedEventStore)");
            }

            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                Cancelled.TrySetResult();
                throw;
            }
        }

        return await inner.QueryAsync(query, cancellationToken);
    }

    public Task InitializeAsync(CancellationToken cancellationToken) => inner.InitializeAsync(cancellationToken);

    public Task<AppendResult> AppendAsync(EventBatch batch, CancellationToken cancellationToken) =>
        Poisoned is { } poisoned && batch.Events.Any(poisoned)
            ? throw PoisonFault()
            : inner.AppendAsync(batch, cancellationToken);

    public Task<StoredEvent?> GetEventAsync(long id, CancellationToken cancellationToken) => inner.GetEventAsync(id, cancellationToken);

    public Task<EventContext?> GetContextAsync(long id, int count, CancellationToken cancellationToken) => inner.GetContextAsync(id, count, cancellationToken);

    public Task<UserPage> GetUsersAsync(UserQuery query, CancellationToken cancellationToken) => inner.GetUsersAsync(query, cancellationToken);

    public Task<IReadOnlyList<BucketCount>> CountByTimeAsync(EventQuery query, TimeBuckets buckets, CancellationToken cancellationToken) => inner.CountByTimeAsync(query, buckets, cancellationToken);

    public Task<EventTimeSpan?> GetTimeSpanAsync(EventQuery query, CancellationToken cancellationToken) => inner.GetTimeSpanAsync(query, cancellationToken);

    public Task<ValueCounts> CountByValueAsync(EventQuery query, EventField field, int top, CancellationToken cancellationToken) =>
        inner.CountByValueAsync(query, field, top, cancellationToken);

    public Task<EventSummary> SummarizeAsync(EventQuery query, TimeBuckets buckets, IReadOnlyList<EventField> fields, int top, CancellationToken cancellationToken) =>
        inner.SummarizeAsync(query, buckets, fields, top, cancellationToken);

    public Task<RetentionResult> RemoveExpiredAsync(RetentionOptions options, DateTimeOffset now, CancellationToken cancellationToken, Action<RetentionReason, long>? removed = null) =>
        ((IEventRetention)inner).RemoveExpiredAsync(options, now, cancellationToken, removed);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
