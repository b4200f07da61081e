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

    public override string ToString() => _text ?? $"{TypeName}: {Message}";
}
