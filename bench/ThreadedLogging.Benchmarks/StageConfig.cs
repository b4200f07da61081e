namespace ThreadedLogging.Benchmarks;

/// <summary>The same job and columns as <see cref="BenchConfig"/>, without the comparison to the peer.</summary>
public sealed class StageConfig : BenchConfig
{
    public StageConfig()
        : base(comparePeers: false)
    {
    }
}
