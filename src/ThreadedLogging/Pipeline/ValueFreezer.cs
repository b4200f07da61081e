using System.Collections;
using System.Globalization;

namespace ThreadedLogging;

/// <summary>
/// A property's value as it was at the log call, for the worker to format and serialize later: immutable values are
/// kept, collections copied, anything else becomes its text. Bounded, since it runs on the caller's thread: at most
/// <see cref="MaxItems"/> items of one collection, <see cref="MaxNodes"/> items in all, <see cref="MaxDepth"/> levels
/// of nesting (a collection that holds itself, a deep graph); past the depth an item is its text, as MEL writes it.
/// </summary>
internal static class ValueFreezer
{
    /// <summary>Levels of nested collections kept (Serilog's default destructuring depth).</summary>
    internal const int MaxDepth = 10;

    /// <summary>Items kept of one collection.</summary>
    internal const int MaxItems = 1000;

    /// <summary>Items kept of one value, all levels together.</summary>
    internal const int MaxNodes = 10_000;

    /// <summary>Returns the value itself when it is immutable, else a snapshot of it.</summary>
    public static object? Freeze(object? value) => value switch
    {
        // The common immutable types first, by type test alone: cheaper than the reflection below.
        null or string or int or long or bool or double or decimal or DateTime or DateTimeOffset or Guid or TimeSpan => value,
        _ => FreezeOther(value),
    };

    private static object? FreezeOther(object value)
    {
        var budget = MaxNodes;
        return Freeze(value, 0, ref budget);
    }

    private static object? Freeze(object? value, int depth, ref int budget)
    {
        if (value is null or string)
        {
            return value;
        }

        var type = value.GetType();
        if (type.IsPrimitive || type.IsEnum || value is decimal or DateTime or DateTimeOffset or Guid or TimeSpan
            or Uri or Version or DateOnly or TimeOnly)
        {
            return value;
        }

        try
        {
            return (value, depth < MaxDepth) switch
            {
                (IEnumerable<KeyValuePair<string, object?>> pairs, true) => FreezePairs(pairs, depth, ref budget),
                (IDictionary dictionary, true) => FreezeDictionary(dictionary, depth, ref budget),
                (IEnumerable items, true) => FreezeItems(items, depth, ref budget),
                _ => value.ToString(),
            };
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A value whose ToString or enumerator throws must not break the caller's log call.
            return $"<{type.Name}: {e.GetType().Name}>";
        }
    }

    private static Dictionary<string, object?> FreezePairs(IEnumerable<KeyValuePair<string, object?>> pairs, int depth, ref int budget)
    {
        var copy = new Dictionary<string, object?>();
        foreach (var pair in pairs)
        {
            if (copy.Count == MaxItems || budget-- <= 0)
            {
                break;
            }

            copy[pair.Key] = Freeze(pair.Value, depth + 1, ref budget);
        }

        return copy;
    }

    /// <summary>A dictionary of any key and value types: an object whose names are the keys' text (as Serilog writes it), not a list of "[key, value]".</summary>
    private static Dictionary<string, object?> FreezeDictionary(IDictionary dictionary, int depth, ref int budget)
    {
        var copy = new Dictionary<string, object?>();
        var entries = dictionary.GetEnumerator();
        try
        {
            while (copy.Count < MaxItems && budget-- > 0 && entries.MoveNext())
            {
                var key = Convert.ToString(entries.Key, CultureInfo.InvariantCulture) ?? string.Empty;
                copy[key] = Freeze(entries.Value, depth + 1, ref budget);
            }
        }
        finally
        {
            (entries as IDisposable)?.Dispose();
        }

        return copy;
    }

    private static object?[] FreezeItems(IEnumerable items, int depth, ref int budget)
    {
        var copy = new List<object?>();
        foreach (var item in items)
        {
            if (copy.Count == MaxItems || budget-- <= 0)
            {
                break;
            }

            copy.Add(Freeze(item, depth + 1, ref budget));
        }

        return [.. copy];
    }
}
