namespace ThreadedLogging.Tests.Pipeline;

/// <summary>
/// The log call reads its thread's execution context from the thread's fields (<c>CallerThread.CaptureContext</c>),
/// not through <see cref="ExecutionContext.Capture"/>'s thread-static: the scope and activity checks key on that
/// object's identity, so it must be the very object <c>Capture</c> returns, in every state a context can be in.
/// </summary>
public sealed class CallerThreadTests
{
    [Fact]
    public void CaptureContext_EveryStateOfTheContext_IsTheObjectCaptureReturns()
    {
        Assert.True(CallerThread.ReadsContextFields); // this runtime's fields are the ones read: the path below is the fields'

        var seen = new List<string>();
        var thread = new Thread(() =>
        {
            var caller = CallerThread.Current;
            Check(caller, "a new thread, no async-local set (the default context)", seen);

            var local = new AsyncLocal<int> { Value = 1 };
            Check(caller, "an async-local set", seen);

            using (ExecutionContext.SuppressFlow())
            {
                Check(caller, "the flow suppressed (null)", seen);
                local.Value = 2;
                Check(caller, "an async-local set while the flow is suppressed", seen);
            }

            Check(caller, "the flow restored", seen);
            var captured = ExecutionContext.Capture()!;
            local.Value = 3;
            ExecutionContext.Run(captured, _ => Check(caller, "inside ExecutionContext.Run", seen), null);
            ExecutionContext.Restore(captured);
            Check(caller, "after ExecutionContext.Restore", seen);
        });
        thread.Start();
        thread.Join();

        Assert.Equal(7, seen.Count);
        Assert.All(seen, s => Assert.EndsWith(": same", s, StringComparison.Ordinal));
    }

    private static void Check(CallerThread caller, string state, List<string> seen)
    {
        var expected = ExecutionContext.Capture();
        var actual = caller.CaptureContext();
        seen.Add($"{state}: {(ReferenceEquals(expected, actual) ? "same" : $"differs ({actual?.GetHashCode()} vs {expected?.GetHashCode()})")}");
    }
}
