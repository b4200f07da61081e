using System.Globalization;

namespace ThreadedLogging;

/// <summary>
/// What one round of a batch's delivery (its send and the splits that find the events the receiver refuses for their
/// content, <see cref="SendOutcome.Rejected"/>, or as too large with their texts cut, <see cref="SendOutcome.TooLarge"/>) learnt: the events refused alone, which are dropped, the first reason,
/// and how many the receiver took. Said in one self-log line when the round ends (<see cref="End"/>), not a line
/// per event, and the refused events are settled after that line, so a flush they complete finds it.
/// </summary>
/// <remarks>
/// A receiver that refuses everything (a collector of another version, a proxy answering 400 to all) made the split
/// reach every event: about 2N−1 requests and 3N self-log lines for a batch of N, every interval. Once a round has had
/// <paramref name="refusedAloneBeforeHolding"/> events refused alone (<see cref="FirstRefusedAloneBeforeHolding"/>,
/// twice as many each round after one that held) and the receiver took none of its events, it stops: the events not
/// yet sent are <see cref="Held"/> and sent again, as one batch, after the backoff, as in an outage. Dropping them
/// instead would drop good events behind a run of poison ones; held, every event dropped is one the receiver refused
/// alone, and a receiver that refuses everything costs at most ⌈log₂ N⌉ + 4 requests and 3 events in the first backoff
/// step (then 6, 12… per step, steps that grow to <see cref="ThreadedHandlerOptions.MaxRetryDelay"/>). Worker only: one
/// round per batch in flight.
/// </remarks>
/// <param name="events">The events of the batch the round delivers.</param>
/// <param name="refusedAloneBeforeHolding">How many events refused alone, none taken, make this round hold the rest.</param>
internal sealed class ContentRefusals(int events, int refusedAloneBeforeHolding)
{
    /// <summary>
    /// How many events the first round finds refused alone, none taken, before it holds the rest for the backoff; each
    /// round after one that held doubles it (<see cref="BatchDelivery"/>), so that a run of poison events at the start of
    /// a batch — which looks, three events in, like a receiver that refuses everything — costs ⌈log₂⌉ of its length in
    /// backoff steps, not a step per three events (30 poison events first: 3 steps, was 10; 300: 7, was 100).
    /// </summary>
    public const int FirstRefusedAloneBeforeHolding = 3;

    private readonly List<LogEvent> _refused = [];
    private string _firstError = string.Empty;
    private SendOutcome _firstOutcome = SendOutcome.Rejected;
    private int _taken;

    /// <summary>Gets the events not sent in this round, in order, once it holds them; <see langword="null"/> while it sends.</summary>
    public List<LogEvent>? Held { get; private set; }

    /// <summary>Gets whether the receiver took any of the round's events.</summary>
    public bool TookAny => _taken > 0;

    /// <summary>Gets how many events the receiver refused alone in this round, having taken none of its events (0 once it took one).</summary>
    public int RefusedWithNoneTaken => _taken == 0 ? _refused.Count : 0;

    /// <summary>
    /// Gets or sets whether the round has said that the receiver found a part of the batch too large as a whole (a 413 to
    /// more than one event, then split): said once a batch, since a receiver's body limit under MaxBatchBytes costs every
    /// batch extra requests, and that line is what tells to lower it.
    /// </summary>
    public bool SaidTooLarge { get; set; }

    /// <summary>The receiver took <paramref name="count"/> of the round's events.</summary>
    public void Took(int count) => _taken += count;

    /// <summary>
    /// The receiver refused <paramref name="logEvent"/> alone for its content (<see cref="SendOutcome.Rejected"/>, or
    /// <see cref="SendOutcome.TooLarge"/> with its texts cut as far as they go): dropped when the round ends.
    /// </summary>
    public void RefusedAlone(LogEvent logEvent, string error, SendOutcome outcome = SendOutcome.Rejected)
    {
        if (_refused.Count == 0)
        {
            (_firstError, _firstOutcome) = (error, outcome);
        }

        _refused.Add(logEvent);
        if (_refused.Count >= refusedAloneBeforeHolding && _taken == 0)
        {
            Held = [];
        }
    }

    /// <summary>Keeps events [start, start+count) for the next round (the round holds: <see cref="Held"/> is set).</summary>
    public void Hold(List<LogEvent> events, int start, int count) => Held!.AddRange(events.GetRange(start, count));

    /// <summary>
    /// Ends the round: says what it dropped in one line (nothing when nothing was refused), then settles those events as
    /// dropped.
    /// </summary>
    /// <param name="ledger">Where the refused events are settled as dropped.</param>
    /// <param name="spooled">Whether the events came from the spool.</param>
    /// <param name="selfLog">Where the round's line goes.</param>
    /// <param name="streak">
    /// Events refused alone, across batches, since the receiver last took one (this round's included) when that streak
    /// makes the next batch wait the backoff although this round holds nothing (<see cref="BatchDelivery"/>); else 0.
    /// </param>
    public void End(DeliveryLedger ledger, bool spooled, SelfLog selfLog, long streak = 0)
    {
        if (_refused.Count == 0)
        {
            return;
        }

        var refused = _refused.Count;
        var dropped = $"{Counted.Events(refused)} refused by the receiver ({_firstOutcome}) and dropped" + (refused == 1 ? ": " : ", the first for: ") + _firstError + ". ";
        var held = Held?.Count ?? 0;
        selfLog.Write(dropped + (held > 0
            ? string.Create(CultureInfo.InvariantCulture, $"Each was refused alone, and the receiver took none of the batch's {events}, as one that refuses everything does (a collector of another version, a proxy): the other {Counted.Events(held)} {Counted.Agree(held, "is", "are")} kept and sent again after the backoff, as in an outage.")
            : string.Create(CultureInfo.InvariantCulture, $"{(refused == 1 ? "It was" : "Each was")} refused alone; {_taken} of the batch's {events} were delivered.")
            + (streak > 0 ? string.Create(CultureInfo.InvariantCulture, $" The receiver took none of the last {Counted.Events(streak)} sent alone, as one that refuses everything does: the next batch waits the backoff, as in an outage.") : string.Empty)));
        ledger.Settle(_refused, 0, refused, delivered: false, spooled);
    }
}
