using System.Text.Json.Serialization;
using System.Globalization;
using ThreadedLogging.Collector.Ingest.Formats;
using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Levels;

/// <summary>The body of <c>POST /api/levels</c>: selectors (at least one), a level, and <c>duration</c> (<c>hh:mm:ss</c>) or <c>expires</c> (RFC 3339).</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)] // a misspelt field is refused, never ignored
internal sealed record LevelRuleRequest(
    string? App, string? Version, string? User, string? Machine, string? Category, string? Level, string? Duration, string? Expires)
{
    /// <summary>Validates the request into a rule, or returns the reason it is refused.</summary>
    public bool TryCreate(CollectorOptions options, DateTimeOffset now, string by, out LevelRule rule, out string error)
    {
        rule = null!;
        var app = Trimmed(App);
        var version = Trimmed(Version);
        var user = Trimmed(User);
        var machine = Trimmed(Machine);
        if (app is null && version is null && user is null && machine is null)
        {
            error = "a rule needs at least one selector: app, version, user or machine";
            return false;
        }

        foreach (var (name, value) in (ReadOnlySpan<(string, string?)>)[("app", app), ("version", version), ("user", user), ("machine", machine), ("category", Category)])
        {
            if (value?.Length > options.MaxFieldLength)
            {
                error = $"'{name}' is longer than {options.MaxFieldLength} characters";
                return false;
            }

            // PostgreSQL text cannot hold it; no name has one.
            if (value?.Contains('\0', StringComparison.Ordinal) == true)
            {
                error = $"'{name}' contains a NUL character (U+0000)";
                return false;
            }
        }

        if (string.IsNullOrWhiteSpace(Level))
        {
            error = $"'level' is required: {LevelNames.Accepted}";
            return false;
        }

        if (!LevelNames.TryParse(Level, out var level))
        {
            error = $"unknown level '{Level}': {LevelNames.Accepted}";
            return false;
        }

        if (!TryExpiry(now, options.MaxLevelRuleDuration, out var expires, out error))
        {
            return false;
        }

        rule = new LevelRule
        {
            App = app,
            Version = version,
            User = user,
            Machine = machine,
            Category = string.IsNullOrWhiteSpace(Category) ? null : Category.Trim(),
            Level = level,
            Expires = expires,
            CreatedBy = by,
            Created = now,
        };
        return true;
    }

    private static string? Trimmed(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private bool TryExpiry(DateTimeOffset now, TimeSpan max, out DateTimeOffset expires, out string error)
    {
        expires = default;
        error = string.Empty;
        if ((Duration is null) == (Expires is null))
        {
            error = "give either 'duration' (hh:mm:ss) or 'expires' (an RFC 3339 time, e.g. 2026-12-03T12:00:00Z)";
            return false;
        }

        if (Duration is not null)
        {
            if (Responses.BareNumberSpan.Refusal("'duration'", Duration) is { } bare)
            {
                error = bare;
                return false;
            }

            if (!TimeSpan.TryParse(Duration, CultureInfo.InvariantCulture, out var duration) || duration <= TimeSpan.Zero)
            {
                error = $"'duration' must be a positive hh:mm:ss (was '{Duration}')";
                return false;
            }

            // Checked before it is added: years of duration would pass DateTimeOffset.MaxValue.
            if (duration > max)
            {
                error = $"'duration' {Duration} is beyond the maximum of {max} (Collector:MaxLevelRuleDuration)";
                return false;
            }

            expires = now + duration;
            return true;
        }

        if (!Rfc3339Time.TryParse(Expires.AsSpan(), out expires))
        {
            error = Rfc3339Time.Refusal("expires", Expires!);
            return false;
        }

        if (expires <= now)
        {
            error = $"'expires' must be in the future (was '{Expires}')";
            return false;
        }

        if (expires - now > max)
        {
            error = $"the rule would expire at {expires:O}, beyond the maximum of {max} (Collector:MaxLevelRuleDuration)";
            return false;
        }

        return true;
    }
}
