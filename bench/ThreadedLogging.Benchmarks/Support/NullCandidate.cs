using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ThreadedLogging.Benchmarks;

/// <summary>The baseline: the cost of the call site alone (params array, boxing, FormattedLogValues).</summary>
internal sealed class NullCandidate : Candidate
{
    public override ILogger Logger => NullLogger.Instance;

    public override (long Delivered, long Dropped) Audit(long calls) => (0, 0);

    public override void Dispose()
    {
    }
}
