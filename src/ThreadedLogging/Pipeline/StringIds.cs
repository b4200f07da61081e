using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace ThreadedLogging;

/// <summary>
/// Numbers for the strings that repeat from call to call — categories, templates, property names, thread and
/// event names — so that a record carries four bytes instead of the text. Process-wide and append-only; after
/// <see cref="MaxIds"/> strings (an app that builds templates at run time) records carry the text instead, so
/// the table never grows without bound. Lookups on the caller go through a small per-thread cache keyed by the
/// string's identity (<see cref="Cache"/>): no hashing of the text on the hot path.
/// </summary>
internal static class StringIds
{
    /// <summary>The most strings the table numbers.</summary>
    internal const int MaxIds = 16 * 1024;

    private static readonly ConcurrentDictionary<string, int> Ids = new(StringComparer.Ordinal);
    private static readonly object Gate = new();
    private static string[] s_strings = new string[256];
    private static int s_count;

    /// <summary>The string numbered <paramref name="id"/>. Any thread; the id came from <see cref="TryGetId"/>.</summary>
    public static string Get(int id) => Volatile.Read(ref s_strings)[id];

    /// <summary>The string's number, or false when the table is full and the string has none.</summary>
    public static bool TryGetId(string text, out int id)
    {
        if (Ids.TryGetValue(text, out id))
        {
            return true;
        }

        lock (Gate)
        {
            if (Ids.TryGetValue(text, out id))
            {
                return true;
            }

            if (s_count == MaxIds)
            {
                return false;
            }

            var strings = s_strings;
            if (s_count == strings.Length)
            {
                Array.Resize(ref strings, strings.Length * 2);
            }

            id = s_count;
            strings[id] = text;
            Volatile.Write(ref s_strings, strings); // the text is in place before the id is handed out
            s_count++;
            Ids[text] = id;
            return true;
        }
    }

    /// <summary>One thread's direct-mapped table from a string object to its id (-1: the table is full). Not thread-safe.</summary>
    internal sealed class Cache
    {
        private const int Size = 256;
        private readonly string?[] _keys = new string?[Size];
        private readonly int[] _ids = new int[Size];

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public int IdOf(string text)
        {
            var slot = RuntimeHelpers.GetHashCode(text) & (Size - 1);
            if (ReferenceEquals(_keys[slot], text))
            {
                return _ids[slot];
            }

            var id = TryGetId(text, out var found) ? found : -1;
            _keys[slot] = text;
            _ids[slot] = id;
            return id;
        }
    }
}
