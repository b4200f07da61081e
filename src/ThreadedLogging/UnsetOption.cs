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
    /// does not give: its key, and when the section is missing the sibling of it under <c>Logging</c> nearest to its name
    /// (<see cref="NearName.Closest"/>); null for any other refusal.
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

        // The nearest, by the rule of a misspelt option's name (NearName): before, the first within two edits at any length,
        // which named a farther section when a nearer one came after it.
        var near = root is null ? null : NearName.Closest(alias, root.GetSection("Logging").GetChildren()
            .Select(c => c.Key)
            .Where(k => !k.Equals(alias, StringComparison.OrdinalIgnoreCase)));
        return $"{unset}: the configuration has no section Logging:{alias}" + (near is null ? "." : $" (Logging:{near} is one: misspelt?).");
    }
}
