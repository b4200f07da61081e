using System.Runtime.CompilerServices;

namespace ThreadedLogging;

/// <summary>
/// The short texts the worker reads off the queue (property values, scope texts), kept by content in a small
/// direct-mapped table so that a value that repeats from call to call (a status, an action, a route) is read into the
/// string made the first time instead of a new one per event. A new string per value was most of what the worker
/// allocated (issue 14: 32 of 57 bytes per event in the quick loop), and it lived while its batch was in flight (an
/// HTTP round trip, two batches), so it survived gen0 and made the app's gen1 collections. A miss makes the string and
/// replaces the slot: the table never grows, and a value seen once costs what it did (plus a hash). Strings are
/// immutable, so events sharing one are indistinguishable from events with copies. Not thread-safe: the queue's one
/// consumer owns it.
/// </summary>
internal sealed class RepeatedTexts
{
    /// <summary>The longest text kept: longer ones (messages, stack-like values) rarely repeat and cost more to compare.</summary>
    internal const int MaxLength = 64;

    private const int Size = 512;

    private readonly string?[] _texts = new string?[Size];

    /// <summary>A string of <paramref name="chars"/>: the one kept for them when it matches, else a new one (then kept).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public string Get(ReadOnlySpan<char> chars)
    {
        if (chars.Length > MaxLength)
        {
            return new string(chars);
        }

        var slot = string.GetHashCode(chars) & (Size - 1);
        var kept = _texts[slot];
        if (kept is not null && chars.SequenceEqual(kept))
        {
            return kept;
        }

        var made = new string(chars);
        _texts[slot] = made;
        return made;
    }
}
