namespace ThreadedLogging.Collector.Storage;

/// <summary>How an event's app and version read as one value ("Shop 2.4.1"), in the users list and in the top values.</summary>
internal static class VersionLabel
{
    /// <summary>"app version", the one that is there, or null when the event has neither.</summary>
    public static string? Of(string? app, string? version) =>
        app is null ? version : version is null ? app : app + " " + version;
}
