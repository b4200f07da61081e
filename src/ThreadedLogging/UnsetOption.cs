using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace ThreadedLogging;

/// <summary>
/// Where an option refused for being unset (<c>Host must be 'name' or 'name:port' (was '')</c>) was looked for: an app
/// whose section was misspelt (<c>Logging:ThreadedHtpp</c>) had every option it set there ignored, and the refusal named
/// <c>Host</c> as if it had never been written.
/// </summary>
internal static class UnsetOption
{
    /// <summary>
    /// The sentence added to <paramref name="refusal"/> of an option that holds no value and that <paramref name="section"/>
    /// does not give: its key, and when the section is missing a sibling of it under <c>Logging</c> one or two edits away;
    /// null for any other refusal.
    /// </summary>
    public static string? Hint(IConfiguration section, IConfiguration? root, object options, string alias, ArgumentException refusal)
    {
        if (refusal.ParamName is not { } name
            || options.GetType().GetProperty(name, BindingFlags.Public | BindingFlags.Instance) is not { } property
            || property.GetValue(options) is not (null or "")
            || section.GetSection(property.Name).Exists())
        {
            return null;
        }

        var unset = $"Logging:{alias}:{property.Name} is not set";
        if (section.GetChildren().Any())
        {
            return unset + ".";
        }

        var near = root?.GetSection("Logging").GetChildren()
            .Select(c => c.Key)
            .FirstOrDefault(k => !k.Equals(alias, StringComparison.OrdinalIgnoreCase) && Distance(k.ToUpperInvariant(), alias.ToUpperInvariant()) <= 2);
        return $"{unset}: the configuration has no section Logging:{alias}" + (near is null ? "." : $" (Logging:{near} is one: misspelt?).");
    }

    /// <summary>Levenshtein distance, with a transposition as one edit (optimal string alignment).</summary>
    internal static int Distance(string a, string b)
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
