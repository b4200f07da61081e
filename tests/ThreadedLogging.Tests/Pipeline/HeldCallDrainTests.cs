using Microsoft.Extensions.Logging;

namespace ThreadedLogging.Tests.Pipeline;

/// <summary>
/// A call the start's level hold lets in is queued with its level marked (Debug | 0x40 = 65): that is no level, and it
/// must not read as one at or above <see cref="ThreadedHandlerOptions.FlushLevel"/> (every held call asked the worker
/// for a drain: partial batches sent at once after the release, whatever FlushLevel said).
/// </summary>
public sealed class HeldCallDrainTests
{
    [Fact]
    public void Log_HeldDebugCall_AsksForNoDrainWhileAnErrorDoes()
    {
        var options = new ThreadedHandlerOptions { FlushLevel = LogLevel.Error };
        var time = TimeProvider.System;
        var queue = new EventQueue(options, new ThreadedTimer(options.Interval, time), new QueueDrops(time, new SelfLog(null, time)));

        queue.Log("c", LevelHold.Mark(LogLevel.Debug), default, "held", null, static (s, _) => s, null, DateTimeOffset.UnixEpoch);
        var afterHeld = queue.TakeDrainRequest();
        queue.Log("c", LogLevel.Error, default, "error", null, static (s, _) => s, null, DateTimeOffset.UnixEpoch);
        var afterError = queue.TakeDrainRequest();

        Assert.Equal((false, true), (afterHeld, afterError));
    }
}
