using Microsoft.Extensions.Logging;

namespace ThreadedLogging;

/// <summary>
/// The start's hold (issue 13, adopter report): a level rule support set before the app started applies from its first
/// call. Until the collector's first answer about levels (<see cref="LevelPoller"/>'s poll at start) or a short bound,
/// the loggers let every level through and the worker sends nothing; a call below its logger's level is queued
/// <see cref="Mark">marked</see> as held. At the release the loggers take their levels, and the worker drops each held
/// event that the level then in force leaves out (<see cref="Ships"/>) and sends the others: held, then filtered.
/// </summary>
/// <remarks>
/// Why in the queue and not in a hold of its own: the queue is already bounded (<c>MaxQueueBytes</c>, its full mode),
/// and the worker, waiting for the release, keeps the call order: events at the configured level are not sent ahead of
/// the Debug ones a rule keeps. The mark is made by the call itself, from the level it read with its check, so a call
/// racing the release is filtered like any other held one (a count of the queue at the release missed the calls that
/// passed the check before it and were queued after it). A handler that does not poll (another format,
/// <c>LevelPollInterval</c> zero) is released from the start (<see cref="None"/>).
/// <para>The hold's budget (diff review): the queue is shared, and nothing leaves it before the release, so a Debug flood
/// in the first seconds could fill it and cost the configured level's events (dropped, or their callers blocked in
/// <see cref="QueueFullMode.Wait"/>). A held call is let in only while the queue is less than
/// <see cref="BudgetShare">a quarter</see> full (its bytes, its count, and its table of objects); past that it is refused
/// at once (it never waits) and counted apart (<see cref="QueueDrops.HeldRefused"/>): not a drop, since the level in force
/// at the release leaves most such calls out anyway. Held calls thus never take more than a quarter of the queue, and the
/// configured level always has the rest.</para>
/// </remarks>
internal sealed class LevelHold
{
    /// <summary>The hold's budget as a share of the queue: a held call enters only while the queue is under 1/<c>BudgetShare</c> full.</summary>
    public const int BudgetShare = 4;

    /// <summary>The bit a held call's level carries through the queue (a record's level byte, a parked event's level); levels are 0 to 6.</summary>
    private const int HeldBit = 0x40;

    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Func<string, LogLevel, bool> _ships = static (_, _) => true;
    private int _holding;

    private LevelHold(bool holding)
    {
        _holding = holding ? 1 : 0;
        if (!holding)
        {
            _released.SetResult();
        }
    }

    /// <summary>Gets whether the loggers let every level through, waiting for the first answer.</summary>
    public bool IsHolding => Volatile.Read(ref _holding) != 0;

    /// <summary>Gets a task that completes at the release: the worker reads nothing before it.</summary>
    public Task Released => _released.Task;

    /// <summary>A hold for a handler that polls its levels at start.</summary>
    public static LevelHold Holding() => new(holding: true);

    /// <summary>No hold: a handler that learns its levels from ingest answers only, or never.</summary>
    public static LevelHold None() => new(holding: false);

    /// <summary>The level a held call is queued with: its own, marked.</summary>
    public static LogLevel Mark(LogLevel level) => (LogLevel)((int)level | HeldBit);

    /// <summary>Whether a call's level is marked as held (<see cref="Mark"/>).</summary>
    public static bool IsMarked(LogLevel level) => ((int)level & HeldBit) != 0;

    /// <summary>Whether an event taken off the queue was held; if so, its level is unmarked (the worker's, after the release).</summary>
    public static bool TakeMark(LogEvent logEvent)
    {
        if (((int)logEvent.Level & HeldBit) == 0)
        {
            return false;
        }

        logEvent.Level = (LogLevel)((int)logEvent.Level & ~HeldBit);
        return true;
    }

    /// <summary>Whether a held event ships at the level in force now (the worker's filter, after the release).</summary>
    public bool Ships(string category, LogLevel level) => _ships(category, level);

    /// <summary>Ends the hold (the first call only; later ones return false): the loggers take their levels at <paramref name="refresh"/>.</summary>
    /// <param name="refresh">Gives every logger its level again.</param>
    /// <param name="ships">Whether a category ships a level now.</param>
    public bool TryRelease(Action refresh, Func<string, LogLevel, bool> ships)
    {
        if (Interlocked.Exchange(ref _holding, 0) == 0)
        {
            return false;
        }

        _ships = ships;
        refresh();
        _released.TrySetResult();
        return true;
    }
}
