using System.Data.Common;
using System.Net.Sockets;

namespace ThreadedLogging;

/// <summary>
/// What an exception thrown by a sink means: the way to the receiver failed (retry the batch as it is), or the sink
/// cannot take something in the batch (a serializer that throws on one event, a wrapped provider's logger that throws
/// on one value): retrying that batch as it is would block every event behind it until shutdown.
/// </summary>
internal static class SinkFailure
{
    /// <summary>How often a batch is sent while the sink throws on its content, before it is split to find the event it throws on.</summary>
    public const int AttemptsBeforeIsolating = 3;

    /// <summary>
    /// Whether the exception (or one inside it) says the network, the disk or the receiver failed for now:
    /// <see cref="HttpRequestException"/>, <see cref="IOException"/>, <see cref="SocketException"/>,
    /// <see cref="TimeoutException"/>, a cancellation that was not the shutdown's (a request timeout),
    /// <see cref="UnauthorizedAccessException"/> (a file's permissions), a <see cref="DbException"/> that says it is transient.
    /// </summary>
    public static bool IsTransient(Exception e)
    {
        for (var current = e; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case HttpRequestException or IOException or SocketException or TimeoutException or OperationCanceledException or UnauthorizedAccessException:
                case DbException { IsTransient: true }:
                    return true;
                case AggregateException aggregate:
                    return aggregate.InnerExceptions.Any(IsTransient);
            }
        }

        return false;
    }
}
