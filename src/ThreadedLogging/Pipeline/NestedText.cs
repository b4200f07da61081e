using System.Runtime.CompilerServices;

namespace ThreadedLogging;

/// <summary>
/// MEL's text for a collection or dictionary logged inside a collection. MEL writes each item of a logged collection
/// with the item's own <see cref="object.ToString"/>, so an inner <c>int[]</c> reads <c>System.Int32[]</c>, not its
/// items. The frozen copy (an <c>object?[]</c> or a <c>Dictionary&lt;string, object?&gt;</c>) keeps the items for the
/// properties; this remembers the original's text beside it, for the message, as long as the copy lives. A copy made
/// later (redaction, cutting) has none and renders its items.
/// </summary>
internal static class NestedText
{
    private static readonly ConditionalWeakTable<object, string> Texts = [];

    /// <summary>Remembers <paramref name="original"/>'s text for <paramref name="frozen"/> when that is a frozen collection; returns <paramref name="frozen"/>.</summary>
    public static object? Remember(object? frozen, object original)
    {
        if (frozen is object?[] or Dictionary<string, object?> && !ReferenceEquals(frozen, Array.Empty<object?>()))
        {
            Texts.AddOrUpdate(frozen, TextOf(original));
        }

        return frozen;
    }

    /// <summary>The text remembered for a frozen collection, or null.</summary>
    public static string? Of(object frozen) => Texts.TryGetValue(frozen, out var text) ? text : null;

    private static string TextOf(object original)
    {
        try
        {
            return original.ToString() ?? string.Empty;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return $"<{original.GetType().Name}: {e.GetType().Name}>"; // as a value whose text throws is shown
        }
    }
}
