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

    /// <summary>The reserve when <see cref="MinFreeBytes"/> is not set (<see cref="ReserveBytes"/>): 256 MiB on a filesystem of 25 GiB or more.</summary>
    public const long DefaultMinFreeBytes = 256L * 1024 * 1024;

    /// <summary>The least reserve by default on a filesystem of 32 MiB or more (<see cref="ReserveBytes"/>).</summary>
    public const long DefaultMinFreeBytesFloor = 8L * 1024 * 1024;

    /// <summary>
    /// Gets or sets the free space kept on the data folder's filesystem (SQLite): under it, retention runs at once and
    /// removes the oldest events until the store's files have room for it again (free space plus pages freed inside them),
    /// and under half of it, when retention cannot help (nothing left to remove), ingest answers 503 rather than fill the
    /// disk: the other half is for retention's own deletes. Each file's WAL is checkpointed after a quarter of it at most.
    /// 0 turns it off. Ignored by PostgreSQL. The default value is null: 1% of the filesystem, at least
    /// <see cref="DefaultMinFreeBytesFloor"/> (at most a quarter of the filesystem) and at most <see cref="DefaultMinFreeBytes"/>.
    /// </summary>
    public long? MinFreeBytes { get; set; }

    /// <summary>
    /// The reserve in force on a filesystem of <paramref name="filesystemBytes"/> (null when unknown): <see cref="MinFreeBytes"/>,
    /// or by default 1% of the filesystem between <see cref="DefaultMinFreeBytesFloor"/> (a quarter of a filesystem under 32
    /// MiB) and <see cref="DefaultMinFreeBytes"/>. The floor: 1% of review13's 48 MB tmpfs was 480 KB, less than a request
    /// of 200 events of 4 KB, and its half under which writes are refused left retention no room for a chunk's deletes.
    /// </summary>
    public long ReserveBytes(long? filesystemBytes)
    {
        if (MinFreeBytes is { } set)
        {
            return set;
        }

        if (filesystemBytes is not { } total)
        {
            return DefaultMinFreeBytes;
        }

        var floor = Math.Min(DefaultMinFreeBytesFloor, total / 4);
        return Math.Clamp(total / 100, floor, DefaultMinFreeBytes);
    }

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

        if (MinFreeBytes is < 0 or (> 0 and < 1024 * 1024))
        {
            errors.Add($"Collector:Retention:MinFreeBytes must be 0 (off) or at least 1048576 (was {MinFreeBytes}).");
        }

        if (Interval < TimeSpan.FromSeconds(1) || Interval > TimeSpan.FromDays(1))
        {
            errors.Add($"Collector:Retention:Interval must be between 00:00:01 and 1.00:00:00 (was {Interval}).");
        }
    }
}
