namespace ThreadedLogging.Collector.Storage;

/// <summary>
/// How long retention holds off after a run that gained nothing (it failed, or the free-space reserve cannot be met
/// with nothing left to remove): <see cref="First"/>, doubling up to the longest (<see cref="RetentionOptions.Interval"/>).
/// A run that removes something, or room back on the disk, resets it: without it, the reserve's request every second
/// reran a run with nothing to gain every second, forever.
/// </summary>
/// <param name="longest">The longest hold.</param>
internal sealed class RetentionBackoff(TimeSpan longest)
{
    /// <summary>The first hold.</summary>
    public static readonly TimeSpan First = TimeSpan.FromSeconds(1);

    /// <summary>Gets the hold before the next run; zero when the last run gained something.</summary>
    public TimeSpan Delay { get; private set; }

    /// <summary>A run gained nothing: the next hold is twice the last (the first is <see cref="First"/>), at most the longest.</summary>
    public void Lengthen()
    {
        var next = Delay == TimeSpan.Zero ? First : Delay * 2;
        Delay = next < longest ? next : longest;
    }

    /// <summary>A run gained something, or room is back: no hold.</summary>
    public void Reset() => Delay = TimeSpan.Zero;
}
