using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.Options;
using ThreadedLogging.Collector.Storage;
using ThreadedLogging.Collector.Responses;
using ThreadedLogging.Collector.Security;

namespace ThreadedLogging.Collector.Query;

/// <summary>
/// <c>GET /api/events/stream</c>: server-sent events, one stored event per message (the same JSON object
/// as in <c>/api/events</c>, same filters), in commit order, from the moment the stream opens. A
/// reconnecting EventSource sends <c>Last-Event-ID</c> and gets what it missed (while the collector still
/// keeps it: <see cref="EventCommitFeed.Capacity"/> commits). A <c>ping</c> event every
/// <see cref="Heartbeat"/> keeps idle connections alive and finds dead ones.
/// </summary>
internal static class EventStreamApi
{
    public static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);

    private const int IdsPerQuery = 1000;

    public static IResult Stream(HttpContext context, IEventStore store, CollectorOptions options, LiveStreamLimiter limiter, TimeProvider time)
    {
        if (!EventQueryParser.TryParse(context.Request.Query, options.MaxQueryLimit, out var query, out var error))
        {
            return ErrorResults.Create(StatusCodes.Status400BadRequest, error);
        }

        if (query.Before is not null)
        {
            return ErrorResults.Create(StatusCodes.Status400BadRequest, "parameter 'before' does not apply to the live stream (it starts now, or at Last-Event-ID)");
        }

        if (limiter.TryEnter() is not { } lease)
        {
            return ErrorResults.Create(StatusCodes.Status429TooManyRequests,
                $"too many live streams open ({limiter.Max}, Collector:MaxLiveStreams); close one or try again later");
        }

        context.Response.RegisterForDispose(lease);
        var feed = store.Commits;
        // A position of this run resumes after it; without one (or from another run) a new stream starts
        // now, and a resumed one of another run replays what this run still keeps. A position past the last
        // commit was never sent (tampered): it counts as another run's, instead of waiting for that commit.
        var lastEventId = context.Request.Headers["Last-Event-ID"].ToString();
        var start = StreamPosition.TryParse(lastEventId, feed.Epoch, out var resume) && resume.Commit <= feed.Last ? resume
            : lastEventId.Length > 0 ? new StreamPosition(0, -1)
            : new StreamPosition(feed.Last, int.MaxValue);
        var json = context.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers["X-Accel-Buffering"] = "no";
        return TypedResults.ServerSentEvents(Events(store, query, start, json, time, StillAllowed(context), context.RequestAborted));
    }

    /// <summary>
    /// A stream let in by a session of the support page (no key) ends with that session: signed out in another tab,
    /// or past its lifetime, it gets no more events (the browser's reconnection then meets the 401). One let in by a key
    /// ends once that key is no longer in force (removed by a reload of the settings: a leaked key revoked), as a request
    /// with it would be refused. Checked at every commit and heartbeat.
    /// </summary>
    private static Func<bool> StillAllowed(HttpContext context)
    {
        var ring = context.RequestServices.GetRequiredService<ApiKeyRing>();
        if (!ring.ReadRequiresKey)
        {
            return static () => true;
        }

        var key = ApiKeyReader.Read(context.Request);
        if (ring.IsReadKey(key) || ring.IsAdminKey(key))
        {
            return () => ring.IsReadKey(key) || ring.IsAdminKey(key);
        }

        var sessions = context.RequestServices.GetRequiredService<SessionStore>();
        var cookie = SessionStore.TokenOf(context.Request);
        return () => sessions.IsValid(cookie);
    }

    private static async IAsyncEnumerable<SseItem<string>> Events(
        IEventStore store, EventQuery query, StreamPosition position, JsonSerializerOptions json, TimeProvider time, Func<bool> stillAllowed,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var feed = store.Commits;
        // "ready" and each "ping" carry the position as their SSE id too: an EventSource resends its last id when it
        // reconnects, and one that had no matching event yet would otherwise send none and start again at "now",
        // missing what was stored while it was away.
        yield return new SseItem<string>(position.Format(feed.Epoch), "ready")
        {
            EventId = position.Format(feed.Epoch),
            ReconnectionInterval = TimeSpan.FromSeconds(2),
        };
        var commits = new List<(long Commit, long[] Ids)>();
        while (!cancellationToken.IsCancellationRequested && stillAllowed())
        {
            commits.Clear();
            // The commit in progress is read again: events after the position's index are still to send.
            feed.Read(position.Commit - 1, 64, commits);
            var wanted = new Dictionary<long, StreamPosition>();
            foreach (var (commit, ids) in commits)
            {
                for (var i = 0; i < ids.Length; i++)
                {
                    if (commit > position.Commit || (commit == position.Commit && i > position.Index))
                    {
                        wanted[ids[i]] = new StreamPosition(commit, i);
                    }
                }
            }

            if (wanted.Count == 0)
            {
                if (!await WaitAsync(feed, position.Commit, time, cancellationToken))
                {
                    yield return new SseItem<string>(string.Empty, "ping") { EventId = position.Format(feed.Epoch) };
                }

                continue;
            }

            var found = new List<(StreamPosition At, StoredEvent Event)>();
            foreach (var chunk in wanted.Keys.Chunk(IdsPerQuery))
            {
                var page = await store.QueryAsync(query with { Ids = chunk, Limit = chunk.Length, Before = null }, cancellationToken);
                found.AddRange(page.Events.Select(e => (wanted[e.Id], e)));
            }

            foreach (var (at, stored) in found.OrderBy(f => f.At.Commit).ThenBy(f => f.At.Index))
            {
                var data = JsonSerializer.Serialize(EventMapper.ToDto(stored), json.GetTypeInfo(typeof(EventDto)));
                yield return new SseItem<string>(data, "message") { EventId = at.Format(feed.Epoch) };
            }

            var (lastCommit, lastIds) = commits[^1];
            position = new StreamPosition(lastCommit, lastIds.Length - 1);
        }
    }

    /// <summary>Waits for a commit after <paramref name="after"/>: true when one came, false after a heartbeat's time.</summary>
    private static async Task<bool> WaitAsync(EventCommitFeed feed, long after, TimeProvider time, CancellationToken cancellationToken)
    {
        using var heartbeat = new CancellationTokenSource(Heartbeat, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, heartbeat.Token);
        try
        {
            await feed.WaitAsync(after, linked.Token);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
