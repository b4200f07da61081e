namespace ThreadedLogging.Collector.Ingest;

/// <summary>The user an ingest path names (<c>/log/{user}/…</c>), the fallback of every format's user field.</summary>
internal static class PathUser
{
    /// <summary>
    /// The seed puts the user's identity in the URL (<c>/log/{user}</c>): its first segment, cut first, then decoded
    /// (issue 11: <c>/log/%3Cb%3Emallory%3C%2Fb%3E</c> is the user <c>&lt;b&gt;mallory&lt;/b&gt;</c>). An ingest path is
    /// <see cref="RawRouteValue.Of"/>'s: each segment decoded once with its <c>%</c> and <c>/</c> escaped again.
    /// </summary>
    public static string? From(string path)
    {
        var first = path.Split('/', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        return string.IsNullOrEmpty(first) ? null : Uri.UnescapeDataString(first);
    }
}
