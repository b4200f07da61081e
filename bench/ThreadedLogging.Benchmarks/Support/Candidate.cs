using Microsoft.Extensions.Logging;

namespace ThreadedLogging.Benchmarks;

/// <summary>One logging stack under test: the <see cref="ILogger"/> the benchmark calls, and how to drain and audit it.</summary>
internal abstract class Candidate : IDisposable
{
    public abstract ILogger Logger { get; }

    /// <summary>Untimed, between iterations: wait until the background worker has taken everything.</summary>
    public virtual void Drain()
    {
    }

    /// <summary>After the last drain: how many events reached the (discarding) destination, and how many were dropped.</summary>
    public abstract (long Delivered, long Dropped) Audit(long calls);

    public abstract void Dispose();
}
