namespace ThreadedLogging.Collector.Storage;

/// <summary>
/// The one rule for an event's kind: its message template (<c>"Payment of {Amount} declined"</c>, CLEF's <c>@mt</c>,
/// Python's <c>msg</c>), or its message when the client sent none — what <see cref="EventQuery.Template"/> filters on
/// and <see cref="EventField.Template"/> counts by, on every store.
/// </summary>
internal static class EventTemplates
{
    /// <summary>
    /// The longest <c>template</c> filter: a value must fit a URL (Kestrel's request line is 8 KiB by default) with the
    /// other filters; a longer message is found by its words (<c>q</c>) instead.
    /// </summary>
    public const int MaxFilterLength = 4000;

    /// <summary>
    /// The SQL of the rule over the events' row <c>e</c> holding the template as text (PostgreSQL; on SQLite the rows
    /// without a template key, <see cref="Sqlite.SqliteTemplateKeys"/>).
    /// </summary>
    public const string Sql = "coalesce(e.template, e.message)";
}
