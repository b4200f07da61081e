namespace ThreadedLogging;

/// <summary>
/// What can be read of a log call's state that threw when it was read (<see cref="ThreadedLogger"/> keeps the event
/// with it): MEL's state of a template with more holes than arguments throws for the missing values, and MEL's own
/// formatter throws for it too; a formatter may throw. Off the hot path: only after such a failure.
/// </summary>
internal static class ReadableState
{
    private const string OriginalFormat = "{OriginalFormat}";
    private const int MaxPairs = 1000;

    /// <summary>
    /// Each pair whose reading does not throw (the template among them), and the formatter's message — or, when the
    /// formatter throws and there is no template to render, a message that says why there is none.
    /// </summary>
    public static (KeyValuePair<string, object?>[] Pairs, string Message) Of<TState>(TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var pairs = new List<KeyValuePair<string, object?>>();
        if (state is IReadOnlyList<KeyValuePair<string, object?>> list)
        {
            var count = Math.Min(OrElse(() => list.Count, _ => 0), MaxPairs);
            for (var i = 0; i < count; i++)
            {
                var index = i;
                if (OrElse<KeyValuePair<string, object?>?>(() => list[index], _ => null) is { } pair)
                {
                    pairs.Add(pair);
                }
            }
        }
        else if (state is IEnumerable<KeyValuePair<string, object?>> enumerable)
        {
            OrElse(() => { pairs.AddRange(enumerable.Take(MaxPairs)); return true; }, _ => false); // the pairs before it threw stay
        }

        var message = pairs.Exists(p => p.Key == OriginalFormat)
            ? string.Empty // not used: the worker renders the template with the values there are
            : OrElse(() => formatter(state, exception), e => $"[the message could not be rendered: {e.GetType().Name}: {e.Message}]");
        return ([.. pairs], message);
    }

    private static T OrElse<T>(Func<T> read, Func<Exception, T> fallback)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return fallback(e);
        }
    }
}
