namespace ThreadedLogging.Collector.Security;

/// <summary>Who made an admin change (a level rule, an erasure), for the audit and the collector's log.</summary>
internal static class AdminActor
{
    /// <summary>The keys have no names of their own: which key allowed the change, and whether through the console's session.</summary>
    public static string Of(ApiKeyRing keys, HttpRequest request) =>
        !keys.AdminRequiresKey ? "open (loopback, no keys)"
        : ApiKeyReader.Read(request) is null ? "AdminApiKey (console session)"
        : "AdminApiKey";
}
