namespace ThreadedLogging;

/// <summary>
/// The name a misspelt one was meant to be (<c>BatchSzie</c>: <c>BatchSize</c>), for the refusals of configuration keys.
/// Also compiled into the collector (a linked file, as <c>ProxyAddress</c>), whose <c>MisspeltSections</c> uses the same
/// distance for misspelt sections and settings: one copy, and no dependency between the two products.
/// </summary>
internal static class NearName
{
    /// <summary>
    /// The name of <paramref name="names"/> closest to <paramref name="key"/>, in any case, when it is at most two edits away in
    /// a name of 6 letters or more, one in a shorter one (where two would make most short words look alike); else null.
    /// </summary>
    public static string? Closest(string key, IEnumerable<string> names)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        var upper = key.ToUpperInvariant();
        foreach (var name in names)
        {
            var allowed = name.Length >= 6 ? 2 : 1;
            var distance = Distance(upper, name.ToUpperInvariant());
            if (distance <= allowed && distance < bestDistance)
            {
                (best, bestDistance) = (name, distance);
            }
        }

        return best;
    }

    /// <summary>Levenshtein distance, with a transposition as one edit (optimal string alignment).</summary>
    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
