namespace ThreadedLogging.Collector.Storage.Sqlite;

/// <summary>
/// The SQLite form of an event's kind (<see cref="EventTemplates"/>) since schema version 9, where an event holds its
/// template as a key of <c>templates</c> (<see cref="SqliteEventRows"/>): the template's name for a key above 0, else —
/// key <see cref="Message"/>, or a row written before (its <c>template</c> text, or none) — <see cref="EventTemplates.Sql"/>.
/// </summary>
internal static class SqliteTemplateKeys
{
    /// <summary>The key of a template that is its event's message (none is stored: <c>templates</c> ids start at 1).</summary>
    public const long Message = 0;

    /// <summary>The events of kind <c>$template</c>: through the template's key when it has one, else by their text.</summary>
    public const string Filter =
        "(e.template_key = (SELECT id FROM templates WHERE name = $template) OR (coalesce(e.template_key, 0) = 0 AND "
        + EventTemplates.Sql + " = $template))";

    /// <summary>An event's kind as a group key pair: (a key of <c>templates</c>, or the text for the rows without one).</summary>
    public const string GroupKey = "e.template_key";

    /// <summary>The text part of <see cref="GroupKey"/>: the kind of a row without a template key, else null.</summary>
    public const string GroupText = "CASE WHEN coalesce(e.template_key, 0) = 0 THEN " + EventTemplates.Sql + " END";
}
