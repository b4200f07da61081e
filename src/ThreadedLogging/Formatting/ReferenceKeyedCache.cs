using System.Runtime.CompilerServices;

namespace ThreadedLogging;

/// <summary>
/// What the worker derives from a string that repeats from event to event (a template's parse, a name's JSON
/// encoding), kept in a small direct-mapped table keyed by the string's identity: such strings are long-lived
/// objects, the same for every call of a log site. A miss derives again and replaces the slot, so the table
/// never grows. Not thread-safe: one per thread.
/// </summary>
internal sealed class ReferenceKeyedCache<T>(Func<string, T> create)
{
    private const int Size = 256;

    private readonly string?[] _keys = new string?[Size];
    private readonly T[] _values = new T[Size];

    /// <summary>The value for <paramref name="key"/>, derived on a miss.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public T Get(string key)
    {
        var slot = RuntimeHelpers.GetHashCode(key) & (Size - 1);
        if (!ReferenceEquals(_keys[slot], key))
        {
            _values[slot] = create(key);
            _keys[slot] = key;
        }

        return _values[slot];
    }
}
