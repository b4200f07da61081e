namespace ThreadedLogging.Collector.Storage;

/// <summary>A field of the events whose values can be counted (<c>GET /api/events/top</c>).</summary>
internal enum EventField
{
    /// <summary>The user (as stored: "alice" and "Alice" are two values; null for the events without one).</summary>
    User,

    /// <summary>The app.</summary>
    App,

    /// <summary>The app and its version, one value as the users list shows it (<see cref="VersionLabel"/>).</summary>
    Version,

    /// <summary>The machine.</summary>
    Machine,

    /// <summary>The logger's category.</summary>
    Category,

    /// <summary>The message template, or the message of an event without one (<see cref="EventTemplates"/>): the kinds of events.</summary>
    Template,
}
