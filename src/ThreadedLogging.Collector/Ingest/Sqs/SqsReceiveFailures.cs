using Amazon.Runtime;
using ThreadedLogging.Collector.Diagnostics;

namespace ThreadedLogging.Collector.Ingest.Sqs;

/// <summary>
/// A queue's failed receives, shared by its receivers: each was a line (event 101) every <c>RetryDelay</c> per receiver for as
/// long as the failure lasted (a queue that does not exist, AWS keys refused or missing: 24 lines a minute of up to 7 lines
/// each). A failure is said at most once a minute per kind (<see cref="Kind"/>), its line saying how many were left out since
/// the last; a new kind is said at once, and so is the first failure after a receive that worked when its kind's last line is
/// older than the minute (otherwise it is counted in the next line: with several receivers and errors now and then, receives
/// that fail and work by turns made every failure a line of its own while the key carried the outage). The first receive that
/// works after more than one failure says so (event 109): the lines a minute apart no longer tell when the failure ended, and
/// a single failure's line already said it is retried. That line follows the same rule: always after a failure's line (the
/// end of what a line said is news), otherwise at most one a minute, saying how many recoveries it left out since the last:
/// a queue failing and working by turns (errors now and then, several receivers) wrote a 109 at each recovery.
/// </summary>
internal sealed class SqsReceiveFailures(TimeProvider time)
{
    private static readonly TimeSpan LineInterval = TimeSpan.FromMinutes(1);

    private readonly LogRateLimiter _lines = new(LineInterval, time);
    private readonly Lock _gate = new();
    private long _failures;
    private DateTimeOffset _since;
    private bool _failureSaid; // a failure's line written since the last recovery that ended what it said
    private long? _workedLineAt; // the last 109's timestamp
    private long _recoveriesLeftOut; // recoveries after more than one failure not said since the last 109

    /// <summary>Counts a failed receive: true when its line is to be written, with how many of its kind were left out since the last.</summary>
    public bool Failed(Exception exception, out long suppressed)
    {
        lock (_gate)
        {
            if (_failures++ == 0)
            {
                _since = time.GetUtcNow();
            }
        }

        // Keyed by the kind only, not the outage: a receive that worked between two failures (another receiver's, or errors
        // now and then) does not make the second news when its kind was said less than a minute ago.
        var key = Kind(exception);
        lock (_gate)
        {
            var said = _lines.TryAcquire(ref key, out suppressed);
            _failureSaid |= said;
            return said;
        }
    }

    /// <summary>
    /// A receive worked: true when its line is to be written (more than one failed before it, and a failure's line was
    /// written since the last recovery or the last such line is a minute old), with how many failed and when the first of
    /// them did, and how many recoveries were left out since the last such line.
    /// </summary>
    public bool Worked(out long failures, out DateTimeOffset since, out long leftOut)
    {
        leftOut = 0;
        lock (_gate)
        {
            failures = _failures;
            since = _since;
            if (failures == 0)
            {
                return false;
            }

            _failures = 0;
            var failureSaid = _failureSaid;
            _failureSaid = false;
            if (failures == 1)
            {
                return false; // its line, if written, said it is retried
            }

            var now = time.GetTimestamp();
            if (!failureSaid && _workedLineAt is { } last && time.GetElapsedTime(last, now) < LineInterval)
            {
                _recoveriesLeftOut++;
                return false;
            }

            _workedLineAt = now;
            leftOut = _recoveriesLeftOut;
            _recoveriesLeftOut = 0;
            return true;
        }
    }

    /// <summary>
    /// The kind of a receive's failure: <see cref="FailureKind"/>, and for an answer of AWS its error code (a refused signature
    /// and a queue that does not exist are two kinds), never the message, which may name a key id or an address.
    /// </summary>
    internal static string Kind(Exception exception) =>
        exception is AmazonServiceException { ErrorCode: { Length: > 0 } code } ? $"{FailureKind.Of(exception)} {code}" : FailureKind.Of(exception);
}
