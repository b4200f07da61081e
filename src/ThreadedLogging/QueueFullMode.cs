namespace ThreadedLogging;

/// <summary>What a log call does when the handler's queue is full.</summary>
public enum QueueFullMode
{
    /// <summary>Drop the new event and count it; the call never blocks. The default.</summary>
    DropNewest,

    /// <summary>
    /// Block the caller until there is room: in the queue's bytes and count, and for a call kept as an object, in the
    /// table of those (use only where losing an event is worse than waiting).
    /// </summary>
    Wait,
}
