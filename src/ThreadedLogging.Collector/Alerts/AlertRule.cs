using Microsoft.AspNetCore.WebUtilities;
using ThreadedLogging.Collector.Diagnostics;
using ThreadedLogging.Collector.Query;
using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Alerts;

/// <summary>
/// A checked alert rule: its query read by <see cref="EventQueryParser"/> (the one home of the filters, so a rule
/// selects exactly what <c>GET /api/events</c> with the same query string shows), its webhook an absolute address.
/// </summary>
internal sealed class AlertRule
{
    /// <summary>The parameters of <c>/api/events</c> a rule may not set: the rule's window is its time range, and it counts every match.</summary>
    public static readonly string[] Refused = ["from", "to", "limit", "before"];

    /// <summary>The parameters a rule's query takes: the filters of <c>/api/events</c>.</summary>
    public static readonly string[] Known = [.. EventQueryParser.Known.Except(Refused)];

    /// <summary>The longest name of a rule.</summary>
    public const int MaxNameLength = 100;

    /// <summary>The most headers a rule sends (each kept in the store and sent with every notification).</summary>
    private const int MaxHeaders = 20;

    /// <summary>The longest header value a rule may have (a bearer token or an API key is far shorter).</summary>
    private const int MaxHeaderValueLength = 1024;

    private AlertRule(string name, string queryText, IQueryCollection parameters, EventQuery query, int threshold, TimeSpan window, TimeSpan cooldown, Uri webhook, IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        Name = name;
        QueryText = queryText;
        Parameters = parameters;
        Query = query;
        Threshold = threshold;
        Window = window;
        Cooldown = cooldown;
        Webhook = webhook;
        Headers = headers;
    }

    public string Name { get; }

    /// <summary>Gets the query string as configured (without a leading <c>?</c>).</summary>
    public string QueryText { get; }

    /// <summary>Gets the query string's parameters as written.</summary>
    public IQueryCollection Parameters { get; }

    public EventQuery Query { get; }

    public int Threshold { get; }

    public TimeSpan Window { get; }

    public TimeSpan Cooldown { get; }

    /// <summary>Gets the webhook's address: a secret (a Slack webhook's path is its key); only its host is shown.</summary>
    public Uri Webhook { get; }

    /// <summary>Gets the headers sent with the notification: secrets, never shown.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

    /// <summary>Gets the row of a rule made through the API (<c>POST /api/alerts</c>); null for a configured rule, which is read-only.</summary>
    public StoredAlertRule? Stored { get; private set; }

    /// <summary>
    /// Checks a rule made through the API again, as it is read from the store (this collector's limits may differ from
    /// those of the collector that took it); null, with the reasons in <paramref name="errors"/>, when refused.
    /// </summary>
    public static AlertRule? FromStored(StoredAlertRule stored, TimeSpan interval, CollectorOptions collector, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var options = new AlertRuleOptions
        {
            Name = stored.Name,
            Query = stored.Query,
            Threshold = stored.Threshold,
            Window = stored.Window,
            Cooldown = stored.Cooldown,
            Webhook = stored.Webhook,
            Headers = new Dictionary<string, string>(stored.Headers, StringComparer.OrdinalIgnoreCase),
        };
        var rule = Create(options, AlertRuleRequest.FieldName, interval, collector, errors);
        rule?.Stored = stored;
        return rule;
    }

    /// <summary>Checks every rule; adds a reason naming the option (<c>Collector:Alerts:Rules:0:Query</c>) for each problem.</summary>
    public static IReadOnlyList<AlertRule> CreateAll(AlertOptions alerts, CollectorOptions collector, List<string> errors)
    {
        var rules = new List<AlertRule>();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < alerts.Rules.Count; i++)
        {
            var before = errors.Count;
            var at = $"Collector:Alerts:Rules:{i}";
            var rule = Create(alerts.Rules[i], field => $"{at}:{field}", alerts.Interval, collector, errors);
            if (rule is not null && !names.Add(rule.Name))
            {
                errors.Add($"Collector:Alerts:Rules:{i}:Name '{rule.Name}' is the name of an earlier rule: each rule needs its own.");
            }

            if (rule is not null && errors.Count == before)
            {
                rules.Add(rule);
            }
        }

        return rules;
    }

    /// <summary>
    /// Checks one rule; adds a reason for each problem, naming the field as <paramref name="field"/> writes it (a
    /// setting, <c>Collector:Alerts:Rules:0:Window</c>; a field of the API's body, <c>'window'</c>). Null when refused.
    /// </summary>
    public static AlertRule? Create(AlertRuleOptions options, Func<string, string> field, TimeSpan interval, CollectorOptions collector, List<string> errors)
    {
        var count = errors.Count;
        var name = options.Name?.Trim() ?? string.Empty;
        // Shown on one line: the notification's text (Slack's and Teams' one line), the console, the log. U+2028 and U+2029 are
        // no control characters to char.IsControl, but end a line as much as one.
        if (name.Length == 0 || name.Length > MaxNameLength || name.Any(LoggedText.IsControl))
        {
            errors.Add($"{field("Name")} must be 1 to {MaxNameLength} characters without control characters or line separators (was '{LoggedText.Of(QueryStringRules.Excerpt(options.Name ?? string.Empty), QueryStringRules.ExcerptLength + 1)}').");
        }

        var queryText = options.Query.Trim().TrimStart('?');
        var parameters = new QueryCollection(QueryHelpers.ParseQuery(queryText));
        if (!TryParseQuery(parameters, collector, out var query, out var reason))
        {
            errors.Add($"{field("Query")}: {reason}.");
        }

        if (options.Threshold is < 1 or > 1_000_000)
        {
            errors.Add($"{field("Threshold")} must be between 1 and 1000000 (was {options.Threshold}).");
        }

        // An evaluation counts the window that ends at it: a window shorter than the interval would let events fall between two.
        if (options.Window < interval || options.Window > TimeSpan.FromDays(7))
        {
            errors.Add($"{field("Window")} must be between Collector:Alerts:Interval ({interval}) and 7.00:00:00, so that no event falls between two evaluations (was {options.Window}).");
        }

        var cooldown = options.Cooldown ?? options.Window;
        if (cooldown < TimeSpan.Zero || cooldown > TimeSpan.FromDays(30))
        {
            errors.Add($"{field("Cooldown")} must be between 00:00:00 and 30.00:00:00 (was {cooldown}).");
        }

        var webhook = CheckWebhook(options.Webhook, field, collector.Alerts.Destinations, errors);
        var headers = CheckHeaders(options.Headers, field, errors);
        return errors.Count == count ? new AlertRule(name, queryText, parameters, query, options.Threshold, options.Window, cooldown, webhook!, headers) : null;
    }

    private static bool TryParseQuery(QueryCollection parameters, CollectorOptions collector, out EventQuery query, out string error)
    {
        query = new EventQuery();
        if (parameters.Keys.FirstOrDefault(key => Refused.Contains(key, StringComparer.OrdinalIgnoreCase)) is { } refused)
        {
            error = $"parameter '{refused}' is not taken by a rule: it counts every match in its Window";
            return false;
        }

        return QueryStringRules.TryCheckNames(parameters, Known, collector.MaxFieldLength, out error)
            && EventQueryParser.TryParse(parameters, collector.MaxQueryLimit, out query, out error);
    }

    private static Uri? CheckWebhook(string? text, Func<string, string> field, WebhookDestinations destinations, List<string> errors)
    {
        // The address is a secret: a reason quotes its scheme and host at most, never its path or query.
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || uri.Host.Length == 0)
        {
            errors.Add($"{field("Webhook")} must be an absolute http or https address{(text is null ? " (it is not set)" : string.Empty)}.");
            return null;
        }

        // Cloud metadata services answer on link-local addresses: a notification there would let whoever holds the admin
        // key probe them. What a name resolves to is checked again at each send (WebhookConnector).
        if (destinations.CheckHost(uri) is { } refused)
        {
            errors.Add($"{field("Webhook")} {refused}.");
            return null;
        }

        if (uri.UserInfo.Length > 0)
        {
            errors.Add($"{field("Webhook")} has a user name or password in its address ({uri.Scheme}://…@{uri.Authority}): put them in {field("Headers")} (Authorization).");
            return null;
        }

        return uri;
    }

    private static List<KeyValuePair<string, string>> CheckHeaders(Dictionary<string, string> headers, Func<string, string> field, List<string> errors)
    {
        using var probe = new HttpRequestMessage();
        var checkedHeaders = new List<KeyValuePair<string, string>>();
        if (headers.Count > MaxHeaders)
        {
            errors.Add($"{field("Headers")} has {headers.Count} headers: at most {MaxHeaders}.");
            return checkedHeaders;
        }

        foreach (var (name, value) in headers)
        {
            // Values are secrets: a reason names the header, never quotes its value.
            if (!probe.Headers.TryAddWithoutValidation(name, "x") || name.Equals("Host", StringComparison.OrdinalIgnoreCase))
            {
                errors.Add($"{field("Headers:" + name)} is not a header a notification can carry.");
            }
            else if (value?.Length > MaxHeaderValueLength)
            {
                errors.Add($"{field("Headers:" + name)} is longer than {MaxHeaderValueLength} characters.");
            }
            else if (string.IsNullOrEmpty(value) || value.Any(c => char.IsControl(c) || c > '\u007e'))
            {
                errors.Add($"{field("Headers:" + name)} must be a non-empty value of printable ASCII characters (no line breaks).");
            }
            else
            {
                checkedHeaders.Add(new(name, value));
            }
        }

        return checkedHeaders;
    }

}
