using Microsoft.Extensions.Logging;

namespace ThreadedLogging.Collector.Storage;

/// <summary>
/// A support-controlled level (issue 13): events of clients matching every non-null selector, in categories
/// starting with <see cref="Category"/>, are shipped from <see cref="Level"/> until <see cref="Expires"/>.
/// </summary>
internal sealed record LevelRule
{
    public long Id { get; init; }

    public string? App { get; init; }

    public string? Version { get; init; }

    public string? User { get; init; }

    public string? Machine { get; init; }

    /// <summary>Gets the category prefix (null: every category).</summary>
    public string? Category { get; init; }

    public required LogLevel Level { get; init; }

    public required DateTimeOffset Expires { get; init; }

    /// <summary>Gets the name of the key that created the rule.</summary>
    public required string CreatedBy { get; init; }

    public required DateTimeOffset Created { get; init; }

    /// <summary>
    /// Returns whether a client with this identity is selected (selectors compare case-insensitively). A version without
    /// build metadata selects the versions that add some: <c>1.4.0</c> selects <c>1.4.0+6d3d4d2c</c>, as SemVer ignores
    /// what follows <c>+</c> (the .NET SDK appends the commit to an assembly's informational version, the client's default
    /// <c>Version</c>; adopter walk 4: a rule for "1.0.0" never applied).
    /// </summary>
    public bool Matches(string? app, string? version, string? user, string? machine) =>
        Selects(App, app) && SelectsVersion(Version, version) && Selects(User, user) && Selects(Machine, machine);

    private static bool Selects(string? selector, string? value) =>
        selector is null || string.Equals(selector, value, StringComparison.OrdinalIgnoreCase);

    private static bool SelectsVersion(string? selector, string? value) =>
        Selects(selector, value)
        || (selector is not null && value is not null && !selector.Contains('+', StringComparison.Ordinal)
            && value.Length > selector.Length && value[selector.Length] == '+'
            && value.StartsWith(selector, StringComparison.OrdinalIgnoreCase));
}
