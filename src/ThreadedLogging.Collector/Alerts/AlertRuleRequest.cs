using System.Text.Json.Serialization;
using System.Globalization;
using ThreadedLogging.Collector.Query;
using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Alerts;

/// <summary>
/// The body of <c>POST /api/alerts</c> and <c>PUT /api/alerts/{id}</c>: a configured rule's settings
/// (<see cref="AlertRuleOptions"/>, the same defaults), spans as <c>hh:mm:ss</c>. A <c>PUT</c> replaces the rule, but
/// a <c>webhook</c> or <c>headers</c> it leaves out stay as they were: they are secrets, never shown, so a client that
/// changes the threshold cannot send them back.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)] // a misspelt field is refused, never ignored
internal sealed record AlertRuleRequest(
    string? Name, string? Query, int? Threshold, string? Window, string? Cooldown, string? Webhook, Dictionary<string, string>? Headers)
{
    /// <summary>The longest query text or webhook address a rule made through the API may have.</summary>
    public const int MaxTextLength = 4096;

    /// <summary>How a reason names a field of the body: <c>'window'</c>, <c>'headers.Authorization'</c>.</summary>
    public static string FieldName(string field)
    {
        ArgumentException.ThrowIfNullOrEmpty(field);
        var name = field.StartsWith("Headers:", StringComparison.Ordinal) ? "headers." + field["Headers:".Length..] : field;
        return $"'{char.ToLowerInvariant(name[0])}{name[1..]}'";
    }

    /// <summary>
    /// The stored headers a <c>PUT</c> without <c>headers</c> keeps: only while the webhook stays at the same scheme, host
    /// and port. Its secrets (an <c>Authorization</c> made for one service) must not follow a new address, where whoever
    /// holds the admin key would read them: a new host without <c>headers</c> gets none.
    /// </summary>
    private static IReadOnlyDictionary<string, string>? KeptHeaders(StoredAlertRule? existing, string? webhook)
    {
        if (existing is null || webhook is null || existing.Webhook is null)
        {
            return existing?.Headers;
        }

        return Uri.TryCreate(webhook, UriKind.Absolute, out var to) && Uri.TryCreate(existing.Webhook, UriKind.Absolute, out var from)
            && Uri.Compare(to, from, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0
            ? existing.Headers
            : null;
    }

    /// <summary>
    /// Checks the request into a rule to store (<paramref name="existing"/>: the rule a <c>PUT</c> replaces), or returns
    /// the reasons it is refused, each naming its field.
    /// </summary>
    public bool TryCreate(StoredAlertRule? existing, CollectorOptions options, string by, DateTimeOffset now, out StoredAlertRule rule, out string error)
    {
        ArgumentNullException.ThrowIfNull(options);
        rule = null!;
        var errors = new List<string>();
        var settings = new AlertRuleOptions
        {
            Name = Name,
            Query = Query ?? string.Empty,
            Threshold = Threshold ?? 1,
            Window = Span(Window, "Window", errors) ?? TimeSpan.FromMinutes(5),
            Cooldown = Span(Cooldown, "Cooldown", errors),
            Webhook = Webhook ?? existing?.Webhook,
            Headers = HeadersOf(Headers ?? KeptHeaders(existing, Webhook), errors),
        };
        foreach (var (field, value) in (ReadOnlySpan<(string, string?)>)[("Query", settings.Query), ("Webhook", settings.Webhook)])
        {
            if (value?.Length > MaxTextLength)
            {
                errors.Add($"{FieldName(field)} is longer than {MaxTextLength} characters.");
            }
            else if (value?.Contains('\0', StringComparison.Ordinal) == true)
            {
                errors.Add($"{FieldName(field)} contains a NUL character (U+0000)."); // PostgreSQL text cannot hold it
            }
        }

        if (errors.Count == 0)
        {
            AlertRule.Create(settings, FieldName, options.Alerts.Interval, options, errors);
        }

        if (errors.Count > 0)
        {
            error = string.Join(' ', errors);
            return false;
        }

        error = string.Empty;
        rule = new StoredAlertRule
        {
            Id = existing?.Id ?? 0,
            Name = settings.Name!.Trim(),
            Query = settings.Query.Trim().TrimStart('?'),
            Threshold = settings.Threshold,
            Window = settings.Window,
            Cooldown = settings.Cooldown,
            Webhook = settings.Webhook!,
            Headers = settings.Headers,
            CreatedBy = existing?.CreatedBy ?? by,
            Created = existing?.Created ?? now,
            ChangedBy = by,
            Changed = now,
        };
        return true;
    }

    /// <summary>
    /// The headers by name in any case, as HTTP reads them. The body's JSON object may hold one name in two cases
    /// (<c>X-Token</c> and <c>x-token</c>): which value the notification should send is not known, so it is refused, naming both.
    /// </summary>
    private static Dictionary<string, string> HeadersOf(IReadOnlyDictionary<string, string>? given, List<string> errors)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in given ?? new Dictionary<string, string>())
        {
            if (!headers.TryAdd(name, value))
            {
                var first = headers.Keys.First(k => k.Equals(name, StringComparison.OrdinalIgnoreCase));
                errors.Add($"{FieldName("Headers")} names one header twice, '{first}' and '{name}' (header names ignore case).");
            }
        }

        return headers;
    }

    private static TimeSpan? Span(string? text, string field, List<string> errors)
    {
        if (text is null)
        {
            return null;
        }

        if (Responses.BareNumberSpan.Refusal(FieldName(field), text) is { } bare)
        {
            errors.Add(bare + ".");
            return null;
        }

        if (TimeSpan.TryParseExact(text.Trim(), "c", CultureInfo.InvariantCulture, out var span))
        {
            return span;
        }

        errors.Add($"{FieldName(field)} must be a time span, hh:mm:ss or d.hh:mm:ss (was '{QueryStringRules.Excerpt(text)}').");
        return null;
    }
}
