namespace ThreadedLogging;

/// <summary>
/// An exception as it was captured, read back from the spool: its original type name, message,
/// stack trace and full text, so a spooled event ships exactly as it would have from memory.
/// </summary>
internal sealed class CapturedException : Exception
{
    private readonly string? _stackTrace;
    private readonly string? _text;

    public CapturedException(string typeName, string message, string? stackTrace, string? text, IReadOnlyList<CapturedException> inner)
        : base(message, inner.Count > 0 ? inner[0] : null)
    {
        TypeName = typeName;
        _stackTrace = stackTrace;
        _text = text;
        Inner = inner;
    }

    public CapturedException()
        : this("System.Exception", string.Empty, null, null, [])
    {
    }

    public CapturedException(string message)
        : this("System.Exception", message, null, null, [])
    {
    }

    public CapturedException(string message, Exception innerException)
        : base(message, innerException)
    {
        TypeName = "System.Exception";
        Inner = [];
    }

    public string TypeName { get; }

    public IReadOnlyList<CapturedException> Inner { get; }

    public override string? StackTrace => _stackTrace;

    /// <summary>The full type name of an exception, also of one read back from the spool.</summary>
    public static string TypeNameOf(Exception exception) => exception is CapturedException captured ? captured.TypeName : exception.GetType().FullName ?? exception.GetType().Name;

    /// <summary>The inner exceptions of an exception (all of an AggregateException's).</summary>
    public static IReadOnlyList<Exception> InnerOf(Exception exception) => exception switch
    {
        CapturedException captured => captured.Inner,
        AggregateException aggregate => aggregate.InnerExceptions,
        { InnerException: { } one } => [one],
        _ => [],
    };

    /// <summary>
    /// The exception's message, read on the worker: an override that throws (a missing resource, a faulty subclass) gives
    /// a text that says so, since a throw there would fail the whole batch's every send.
    /// </summary>
    public static string MessageOf(Exception exception) => Read(exception, static e => e.Message, "Message") ?? string.Empty;

    /// <summary>The exception's stack trace, read as <see cref="MessageOf"/> reads the message.</summary>
    public static string? StackTraceOf(Exception exception) => Read(exception, static e => e.StackTrace, "StackTrace");

    /// <summary>The exception's full text (<c>ToString()</c>), or, when that throws, its type, message and stack trace.</summary>
    public static string TextOf(Exception exception) =>
        Read(exception, static e => e.ToString(), null) ?? $"{TypeNameOf(exception)}: {MessageOf(exception)}{Environment.NewLine}{StackTraceOf(exception)}";

    public override string ToString() => _text ?? $"{TypeName}: {Message}";

    private static string? Read(Exception exception, Func<Exception, string?> read, string? what)
    {
        try
        {
            return read(exception);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            if (what is null)
            {
                return null;
            }

            string reason;
            try
            {
                reason = e.Message;
            }
            catch (Exception failure) when (failure is not OutOfMemoryException)
            {
                reason = string.Empty;
            }

            return $"<{what} threw {e.GetType().Name}: {reason}>";
        }
    }
}
