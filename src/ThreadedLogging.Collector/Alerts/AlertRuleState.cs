namespace ThreadedLogging.Collector.Alerts;

/// <summary>
/// What one rule remembers between evaluations (in memory: the collector that evaluates holds it). Written by the one
/// evaluation at a time, read by <c>GET /api/alerts</c>: a snapshot is taken under the lock.
/// </summary>
internal sealed class AlertRuleState(string query)
{
    private readonly Lock _gate = new();
    private AlertRuleStatus _status = new(null, null, null, null, null, null, null);

    /// <summary>Gets the rule's query this state counts for: a rule whose query changes starts afresh.</summary>
    public string Query { get; } = query;

    /// <summary>Gets or sets the lease's <see cref="Storage.IAlertLease.Taken"/> when the saved state was read into this one (0: never).</summary>
    public long ReadAt { get; set; }

    /// <summary>Gets or sets the end of the last range notified: events at or before it are never counted again.</summary>
    public DateTimeOffset? NotifiedTo { get; set; }

    /// <summary>Gets or sets the start of a range whose notification failed: the next evaluation counts from it again.</summary>
    public DateTimeOffset? PendingFrom { get; set; }

    /// <summary>Gets or sets when the rule may fire again.</summary>
    public DateTimeOffset QuietUntil { get; set; } = DateTimeOffset.MinValue;

    public AlertRuleStatus Status
    {
        get
        {
            lock (_gate)
            {
                return _status;
            }
        }
    }

    public void Update(Func<AlertRuleStatus, AlertRuleStatus> change)
    {
        lock (_gate)
        {
            _status = change(_status);
        }
    }
}
