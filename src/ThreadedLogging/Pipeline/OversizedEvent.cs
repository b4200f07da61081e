namespace ThreadedLogging;

/// <summary>
/// A lone event the receiver refused as too large (413: the collector's <c>Collector:MaxEventBytes</c>, 256 KiB by
/// default; an SQS message's size) is sent again with its long texts cut, rather than dropped: the message, the
/// template, text in property and scope values (also inside collections and destructured objects) and the
/// exception's message, stack trace and text, each cut at a length and ended with a marker that says how long it was.
/// The numbers, names and shape stay. Worker only.
/// </summary>
internal static class OversizedEvent
{
    /// <summary>The lengths tried one after the other before the event is dropped.</summary>
    public static readonly int[] Steps = [16 * 1024, 1024];

    private const int MaxExceptionDepth = 16;

    /// <summary>
    /// Cuts the event's texts at the next of <see cref="Steps"/> after <paramref name="step"/> that cuts any; false when
    /// none is left that would.
    /// </summary>
    public static bool TryCutFurther(LogEvent logEvent, ref int step)
    {
        while (step < Steps.Length)
        {
            if (TryCut(logEvent, Steps[step++]))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Cuts every text of <paramref name="logEvent"/> longer than <paramref name="maxChars"/>; false when none was.</summary>
    private static bool TryCut(LogEvent logEvent, int maxChars)
    {
        var cut = false;
        var message = logEvent.Message;
        if (message.Length > maxChars)
        {
            logEvent.SetMessage(Cut(message, maxChars));
            cut = true;
        }
        else if (logEvent.KnownMessage is null)
        {
            logEvent.SetMessage(message); // rendered from the values before they are cut
        }

        if (logEvent.Template is { } template && template.Length > maxChars)
        {
            logEvent.Template = Cut(template, maxChars);
            cut = true;
        }

        var properties = logEvent.PropertySpan;
        KeyValuePair<string, object?>[]? copy = null;
        for (var i = 0; i < properties.Length; i++)
        {
            if (CutValue(properties[i].Value, maxChars, 0) is { } shorter)
            {
                copy ??= properties.ToArray();
                copy[i] = new KeyValuePair<string, object?>(properties[i].Key, shorter);
            }
        }

        if (copy is not null)
        {
            logEvent.ReplaceProperties(copy);
            cut = true;
        }

        if (logEvent.ScopeArray is { } scopes && CutValue(scopes, maxChars, 0) is object?[] shorterScopes)
        {
            logEvent.ScopeArray = shorterScopes;
            cut = true;
        }

        if (logEvent.Exception is { } exception && IsLong(exception, maxChars, 0))
        {
            logEvent.Exception = CutException(exception, maxChars, 0);
            cut = true;
        }

        return cut;
    }

    /// <summary>The text cut at <paramref name="maxChars"/> (not inside a surrogate pair), with a marker of its length.</summary>
    public static string Cut(string text, int maxChars)
    {
        var keep = maxChars;
        if (keep > 0 && char.IsHighSurrogate(text[keep - 1]))
        {
            keep--;
        }

        return $"{text.AsSpan(0, keep)}… [truncated from {text.Length} characters]";
    }

    /// <summary>A copy of the value with its long texts cut; null when nothing in it is too long.</summary>
    private static object? CutValue(object? value, int maxChars, int depth)
    {
        if (depth > ValueFreezer.MaxDepth)
        {
            return null;
        }

        switch (value)
        {
            case string text:
                return text.Length > maxChars ? Cut(text, maxChars) : null;
            case object?[] items:
                object?[]? copy = null;
                for (var i = 0; i < items.Length; i++)
                {
                    if (CutValue(items[i], maxChars, depth + 1) is { } shorter)
                    {
                        copy ??= [.. items];
                        copy[i] = shorter;
                    }
                }

                return copy;
            case IReadOnlyList<KeyValuePair<string, object?>> pairs:
                var changed = false;
                var members = new KeyValuePair<string, object?>[pairs.Count];
                for (var i = 0; i < members.Length; i++)
                {
                    var shorter = CutValue(pairs[i].Value, maxChars, depth + 1);
                    changed |= shorter is not null;
                    members[i] = new KeyValuePair<string, object?>(pairs[i].Key, shorter ?? pairs[i].Value);
                }

                return !changed ? null : value is DestructuredValue ? DestructuredValue.WithMembers(members) : members;
            case IDictionary<string, object?> dictionary:
                Dictionary<string, object?>? cutDictionary = null;
                foreach (var (key, item) in dictionary)
                {
                    if (CutValue(item, maxChars, depth + 1) is { } shorter)
                    {
                        cutDictionary ??= new Dictionary<string, object?>(dictionary);
                        cutDictionary[key] = shorter;
                    }
                }

                return cutDictionary;
            default:
                return null;
        }
    }

    private static bool IsLong(Exception exception, int maxChars, int depth) =>
        CapturedException.MessageOf(exception).Length > maxChars
        || CapturedException.StackTraceOf(exception)?.Length > maxChars
        || (depth == 0 && CapturedException.TextOf(exception).Length > maxChars)
        || (depth < MaxExceptionDepth && CapturedException.InnerOf(exception).Any(inner => IsLong(inner, maxChars, depth + 1)));

    /// <summary>The exception as a <see cref="CapturedException"/> with its texts cut: type names and structure kept.</summary>
    private static CapturedException CutException(Exception exception, int maxChars, int depth)
    {
        static string? CutText(string? text, int maxChars) => text is not null && text.Length > maxChars ? Cut(text, maxChars) : text;
        var inner = depth < MaxExceptionDepth
            ? [.. CapturedException.InnerOf(exception).Select(child => CutException(child, maxChars, depth + 1))]
            : Array.Empty<CapturedException>();
        return new CapturedException(
            CapturedException.TypeNameOf(exception),
            CutText(CapturedException.MessageOf(exception), maxChars)!,
            CutText(CapturedException.StackTraceOf(exception), maxChars),
            depth == 0 ? CutText(CapturedException.TextOf(exception), maxChars) : null,
            inner);
    }
}
