namespace ThreadedLogging.Collector.Storage;

/// <summary>How long events are kept: the <c>Collector:Retention</c> section.</summary>
internal sealed class RetentionOptions
{
    /// <summary>Gets or sets the age beyond which events are removed. The default value is 30 days.</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// Gets or sets the most bytes the SQLite files may use (events and full text); beyond it the oldest events
    /// are removed. Null: no cap. Ignored by PostgreSQL (its size is the database's business). The default value is null.
    /// </summary>
    public long? MaxBytes { get; set; }

    /// <summary>Gets or sets how often retention runs (the first run an interval after start). The default value is one hour.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Adds the problems of these options to <paramref name="errors"/>, each naming the option and its value.</summary>
    public void Validate(List<string> errors)
    {
        // At most ten years: beyond, "now - MaxAge" fell before year 1 (TimeSpan.MaxValue for "forever") and every
        // retention run failed, the MaxBytes cap with it, an error logged each Interval while the disk filled.
        if (MaxAge < TimeSpan.FromMinutes(1) || MaxAge > TimeSpan.FromDays(3650))
        {
            errors.Add($"Collector:Retention:MaxAge must be between 00:01:00 and 3650.00:00:00 (was {MaxAge}).");
        }

        if (MaxBytes is < 1024 * 1024)
        {
            errors.Add($"Collector:Retention:MaxBytes must be at least 1048576 (was {MaxBytes}).");
        }

        if (Interval < TimeSpan.FromSeconds(1) || Interval > TimeSpan.FromDays(1))
        {
            errors.Add($"Collector:Retention:Interval must be between 00:00:01 and 1.00:00:00 (was {Interval}).");
        }
    }
}
