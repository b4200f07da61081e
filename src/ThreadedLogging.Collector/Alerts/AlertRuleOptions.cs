namespace ThreadedLogging.Collector.Alerts;

/// <summary>One alert rule as configured (<c>Collector:Alerts:Rules:N</c>); <see cref="AlertRule"/> is the checked form.</summary>
internal sealed class AlertRuleOptions
{
    /// <summary>Gets or sets the rule's name, unique among the rules and shown in the notification. Required.</summary>
    public string? Name { get; set; }

    /// <summary>
    /// Gets or sets which events count: the query string of <c>GET /api/events</c> (<c>level=Error&amp;app=Payroll</c>),
    /// its filters only (no <c>from</c>, <c>to</c>, <c>limit</c> or <c>before</c>). The default value is empty: every event.
    /// </summary>
    public string Query { get; set; } = string.Empty;

    /// <summary>Gets or sets how many matching events in the window fire the rule. The default value is 1.</summary>
    public int Threshold { get; set; } = 1;

    /// <summary>Gets or sets the window the events are counted in (ending at the evaluation). The default value is 5 minutes.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets or sets how long after firing the rule stays quiet. The default value is <see cref="Window"/>.</summary>
    public TimeSpan? Cooldown { get; set; }

    /// <summary>Gets or sets the http or https address the notification is posted to (a secret: never shown but its host). Required.</summary>
    public string? Webhook { get; set; }

    /// <summary>Gets or sets headers sent with the notification (an <c>Authorization</c> header); secrets, never shown. The default value is none.</summary>
    public Dictionary<string, string> Headers { get; set; } = [];
}
