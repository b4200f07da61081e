namespace ThreadedLogging.Collector.Storage;

/// <summary>
/// Where each alert rule's state outlives the collector that evaluates it — a restart, or another collector of the same
/// PostgreSQL database taking the lease over — so that neither notifies a range again: what the rule last notified, a
/// range whose notification failed, when it may fire again. One row a rule, by its name.
/// </summary>
internal interface IAlertStateStore
{
    /// <summary>Returns the saved state of every rule, by name.</summary>
    Task<IReadOnlyDictionary<string, SavedAlertState>> LoadAsync(CancellationToken cancellationToken);

    /// <summary>Saves one rule's state, replacing what was saved for its name.</summary>
    Task SaveAsync(SavedAlertState state, CancellationToken cancellationToken);
}
