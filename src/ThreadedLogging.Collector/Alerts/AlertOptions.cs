namespace ThreadedLogging.Collector.Alerts;

/// <summary>Alerts: the <c>Collector:Alerts</c> section (saved queries evaluated on an interval, a webhook told when one matches).</summary>
internal sealed class AlertOptions
{
    /// <summary>Gets or sets how often every rule is evaluated. The default value is one minute.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Gets or sets the rules (<c>Collector:Alerts:Rules:0:Name</c>, ...). The default value is none.</summary>
    public List<AlertRuleOptions> Rules { get; set; } = [];

    /// <summary>
    /// Binds <see cref="Rules"/> one by one from <c>Collector:Alerts:Rules</c>: the binder drops, without a word, a list
    /// element with a value it cannot convert (<c>Window=5m</c>), and the rule was gone.
    /// </summary>
    /// <exception cref="InvalidOperationException">A value of a rule cannot be converted (the message names it).</exception>
    public void BindRules(IConfigurationSection collector)
    {
        Rules = [.. collector.GetSection("Alerts:Rules").GetChildren().Select(rule =>
        {
            var options = new AlertRuleOptions();
            rule.Bind(options);
            return options;
        })];
    }

    /// <summary>
    /// Gets or sets the hosts webhooks may be sent to: host names (<c>hooks.slack.com</c>), IP addresses and CIDR ranges
    /// (<c>10.0.0.0/8</c>), checked when a rule is made and on each address connected to (<see cref="WebhookDestinations"/>).
    /// Empty: any host. Link-local addresses are always refused. The default value is empty.
    /// </summary>
    public List<string> WebhookAllowedHosts { get; set; } = [];

    /// <summary>
    /// Gets or sets the HTTP proxy notifications go through: <c>http://proxy.corp:3128</c>, with credentials
    /// <c>http://user:password@proxy.corp:3128</c> (percent-encoded). Empty: none, notifications connect directly. Through
    /// it, a webhook's host is checked as written only (<see cref="WebhookDestinations.ThroughProxy"/>). The default value
    /// is empty.
    /// </summary>
    public string WebhookProxy { get; set; } = string.Empty;

    /// <summary>Gets <see cref="WebhookProxy"/> as <see cref="Validate"/> read it (null: no proxy).</summary>
    public WebhookProxySetting? Proxy { get; private set; }

    /// <summary>
    /// Gets or sets the path of a PEM file of CA certificates trusted for https webhooks in addition to the system's (a
    /// company CA in front of a self-hosted receiver): a certificate that chains to one of them, for the webhook's host
    /// name, is accepted. Host names are checked as always; validation is never turned off. A file that cannot be read or
    /// holds no certificate stops the start. Empty: the system's CAs only. The default value is empty.
    /// </summary>
    public string WebhookTrustedCertificates { get; set; } = string.Empty;

    /// <summary>Gets <see cref="WebhookTrustedCertificates"/> as <see cref="Validate"/> read it (null: the system's CAs only).</summary>
    public WebhookCertificateTrust? CertificateTrust { get; private set; }

    /// <summary>Gets <see cref="WebhookAllowedHosts"/> as <see cref="Validate"/> read them (any host before it ran).</summary>
    public WebhookDestinations Destinations { get; private set; } = WebhookDestinations.Any;

    /// <summary>Gets the rules as <see cref="Validate"/> checked them (none before it ran): what the evaluator runs.</summary>
    public IReadOnlyList<AlertRule> CheckedRules { get; private set; } = [];

    /// <summary>Adds the problems of these options to <paramref name="errors"/>, each naming the option and its value, and keeps the checked rules (<see cref="CheckedRules"/>).</summary>
    public void Validate(CollectorOptions collector, List<string> errors)
    {
        if (Interval < TimeSpan.FromSeconds(1) || Interval > TimeSpan.FromHours(1))
        {
            errors.Add($"Collector:Alerts:Interval must be between 00:00:01 and 01:00:00 (was {Interval}).");
        }

        Proxy = WebhookProxySetting.Parse(WebhookProxy, errors);
        CertificateTrust = WebhookCertificateTrust.Load(WebhookTrustedCertificates, errors);
        Destinations = WebhookDestinations.Parse(WebhookAllowedHosts, errors, throughProxy: Proxy is not null);
        CheckedRules = AlertRule.CreateAll(this, collector, errors);
    }
}
