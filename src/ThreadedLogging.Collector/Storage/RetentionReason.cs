namespace ThreadedLogging.Collector.Storage;

/// <summary>Why retention removed events: the <c>reason</c> of <c>threadedlogging_collector_retention_removed_total</c>.</summary>
internal enum RetentionReason
{
    /// <summary>Older than <see cref="RetentionOptions.MaxAge"/>.</summary>
    Age,

    /// <summary>The oldest beyond <see cref="RetentionOptions.MaxBytes"/>.</summary>
    Size,

    /// <summary>The oldest, to keep <see cref="RetentionOptions.MinFreeBytes"/> free on the disk.</summary>
    FreeSpace,
}
