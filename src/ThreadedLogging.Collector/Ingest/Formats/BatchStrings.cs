using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace ThreadedLogging.Collector.Ingest.Formats;

/// <summary>
/// One string per distinct short text of one request: the values that repeat from event to event of a batch (category,
/// template, identity, thread and event names, level) found by their UTF-8 bytes, so that the 1,000th event with
/// <c>Payroll.Orders</c> makes no string of its own, even when categories and templates alternate. One instance per
/// request (nothing is kept from one request to the next): at most <see cref="MaxEntries"/> texts of at most
/// <see cref="MaxBytes"/> bytes each are kept; any other text gets a string of its own, as without the table.
/// </summary>
internal sealed class BatchStrings
{
    /// <summary>The most distinct texts one request keeps (a batch of 1,000 distinct values keeps this many, then makes strings).</summary>
    public const int MaxEntries = 256;

    /// <summary>The longest text kept, in UTF-8 bytes (a longer one is rarely repeated and would only fill the table).</summary>
    public const int MaxBytes = 256;

    private Entry[] _entries = new Entry[16];
    private byte[] _bytes = new byte[256];
    private int _used;

    /// <summary>Gets how many texts are kept.</summary>
    public int Count { get; private set; }

    /// <summary>The string of <paramref name="utf8"/> (valid UTF-8 without JSON escapes): the one made for equal bytes before, else a new one.</summary>
    public string Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty)
        {
            return string.Empty;
        }

        if (utf8.Length > MaxBytes)
        {
            return Encoding.UTF8.GetString(utf8);
        }

        var hash = HashOf(utf8);
        var mask = _entries.Length - 1;
        for (var slot = hash & mask; ; slot = (slot + 1) & mask)
        {
            ref var entry = ref _entries[slot];
            if (entry.Value is null)
            {
                var value = Encoding.UTF8.GetString(utf8);
                if (Count < MaxEntries)
                {
                    Add(ref entry, hash, utf8, value);
                }

                return value;
            }

            if (entry.Hash == hash && _bytes.AsSpan(entry.Start, entry.Length).SequenceEqual(utf8))
            {
                return entry.Value;
            }
        }
    }

    /// <summary>A JSON string's value through <see cref="Get(ReadOnlySpan{byte})"/>; one with escapes is read as it is (a string of its own).</summary>
    public string Get(JsonElement value)
    {
        var raw = JsonMarshal.GetRawUtf8Value(value);
        return raw.IndexOf((byte)'\\') < 0 ? Get(raw[1..^1]) : value.GetString()!;
    }

    private static int HashOf(ReadOnlySpan<byte> utf8)
    {
        var hash = default(HashCode);
        hash.AddBytes(utf8);
        return hash.ToHashCode() & int.MaxValue;
    }

    private void Add(ref Entry entry, int hash, ReadOnlySpan<byte> utf8, string value)
    {
        if (_bytes.Length - _used < utf8.Length)
        {
            Array.Resize(ref _bytes, Math.Max(_used + utf8.Length, 2 * _bytes.Length));
        }

        utf8.CopyTo(_bytes.AsSpan(_used));
        entry = new Entry(hash, _used, utf8.Length, value);
        _used += utf8.Length;
        Count++;
        if (2 * Count > _entries.Length)
        {
            Grow();
        }
    }

    /// <summary>Doubles the table (kept at most half full, so a probe ends at an empty slot).</summary>
    private void Grow()
    {
        var old = _entries;
        _entries = new Entry[2 * old.Length];
        var mask = _entries.Length - 1;
        foreach (var entry in old)
        {
            if (entry.Value is not null)
            {
                var slot = entry.Hash & mask;
                while (_entries[slot].Value is not null)
                {
                    slot = (slot + 1) & mask;
                }

                _entries[slot] = entry;
            }
        }
    }

    /// <summary>A kept text: its hash, where its bytes are in the arena, and its string.</summary>
    private readonly record struct Entry(int Hash, int Start, int Length, string? Value);
}
