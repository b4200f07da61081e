namespace ThreadedLogging.Collector.Tests.Support;

/// <summary>Exceptions that were really thrown (with stack traces), as a client library would log them.</summary>
internal static class ThrownExceptions
{
    /// <summary>An <see cref="InvalidOperationException"/> "outer failed" around an <see cref="ArgumentException"/> "inner bad" for 'amount'.</summary>
    public static InvalidOperationException OuterWithInner()
    {
        try
        {
            try
            {
                throw new ArgumentException("inner bad", "amount");
            }
            catch (ArgumentException e)
            {
                throw new InvalidOperationException("outer failed", e);
            }
        }
        catch (InvalidOperationException e)
        {
            return e;
        }
    }
}
