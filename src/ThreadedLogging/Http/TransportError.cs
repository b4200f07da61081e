namespace ThreadedLogging;

/// <summary>
/// What a request that got no answer says in the self-log and <c>ThreadedHandlerStatistics.LastError</c> (and a webhook that
/// gave none in the collector's log: linked into it):
/// <see cref="HttpRequestException"/>'s own message is often only its kind ("The SSL connection could not be established,
/// see inner exception.", "An error occurred while sending the request.", "Error while copying content to a stream."),
/// and why is in its inner exceptions (a certificate for another name, a response cut off, a connection reset), which
/// nothing showed: a certificate that expired, one for another name and one nobody trusts read the same.
/// </summary>
internal static class TransportError
{
    /// <summary>The exception's message, then each inner exception's that it does not already hold, one line.</summary>
    public static string Describe(Exception e)
    {
        var text = Trimmed(e.Message);
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
        {
            var message = Trimmed(inner.Message);
            if (message.Length > 0 && !text.Contains(message, StringComparison.Ordinal))
            {
                text = text.Length == 0 ? message : $"{text.TrimEnd('.')}: {message}";
            }
        }

        // .NET quotes what the server sent in some (an invalid status or header line, up to 64 KiB): cut as a reason phrase is.
        return ReasonLine.Bounded(text)!;
    }

    /// <summary>The message without .NET's pointer to what follows here (", see inner exception.").</summary>
    private static string Trimmed(string message)
    {
        const string SeeInner = ", see inner exception.";
        return message.EndsWith(SeeInner, StringComparison.Ordinal) ? message[..^SeeInner.Length] : message.Trim();
    }
}
