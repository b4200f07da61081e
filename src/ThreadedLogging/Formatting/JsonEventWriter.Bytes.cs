using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace ThreadedLogging;

/// <summary>The bytes of an event: the buffer (the writer for the rare values writes into it too) and the tokens written in place.</summary>
internal sealed partial class JsonEventWriter
{
    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Advance(int count) => _length += count;

    /// <inheritdoc />
    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        MakeRoom(sizeHint);
        return _bytes.AsMemory(_length);
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Span<byte> GetSpan(int sizeHint = 0)
    {
        MakeRoom(sizeHint);
        return _bytes.AsSpan(_length);
    }

    /// <summary>Makes room for <paramref name="count"/> more bytes (at least 256).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void MakeRoom(int count)
    {
        if (_bytes.Length - _length < (count < 256 ? 256 : count))
        {
            Grow(count);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Grow(int count) => Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, _length + Math.Max(count, 256)));

    /// <summary>The UTC time as the writer writes a <see cref="DateTime"/>: ISO 8601 ("O"), trailing zeros of the fraction trimmed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void WriteTimestamp(DateTime utc)
    {
        Raw(TimestampPrefix);
        var destination = GetSpan(40);
        destination[0] = (byte)'"';
        var formatted = destination[1..];
        if (!utc.TryFormat(formatted, out var length, "O", CultureInfo.InvariantCulture) || length != 28 || formatted[27] != (byte)'Z')
        {
            throw new InvalidOperationException($"A UTC time formatted as {length} bytes."); // "yyyy-MM-ddTHH:mm:ss.fffffffZ", always
        }

        var end = 26; // the last digit of the fraction, 20–26, is the last one kept unless it is a zero
        while (end >= 20 && formatted[end] == (byte)'0')
        {
            end--;
        }

        if (end == 19)
        {
            end = 18; // no fraction at all: the '.' goes too
        }

        formatted[end + 1] = (byte)'Z';
        formatted[end + 2] = (byte)'"';
        Advance(end + 4);
    }

    /// <summary>A string value from the cache of encodings, or escaped here when too long to cache.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Cached(string value)
    {
        if (_cache.TryGet(value, out var encoded))
        {
            Quoted(encoded);
        }
        else
        {
            Text(value);
        }
    }

    /// <summary>A string value: narrowed here when it is plain ASCII, else escaped by the writer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Text(ReadOnlySpan<char> value)
    {
        if (value.ContainsAnyExcept(Unescaped))
        {
            _values.Reset();
            _values.WriteStringValue(value);
            _values.Flush();
            return;
        }

        var destination = GetSpan(value.Length + 2);
        destination[0] = (byte)'"';
        Ascii.FromUtf16(value, destination[1..], out _);
        destination[value.Length + 1] = (byte)'"';
        Advance(value.Length + 2);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Quoted(JsonEncodedText encoded)
    {
        var bytes = encoded.EncodedUtf8Bytes;
        var destination = GetSpan(bytes.Length + 2);
        destination[0] = (byte)'"';
        bytes.CopyTo(destination[1..]);
        destination[bytes.Length + 1] = (byte)'"';
        Advance(bytes.Length + 2);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Number(long value)
    {
        var destination = GetSpan(NumberBytes);
        value.TryFormat(destination, out var written, default, CultureInfo.InvariantCulture);
        Advance(written);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Raw(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(GetSpan(bytes.Length));
        Advance(bytes.Length);
    }

    /// <summary><c>,"name":</c> (the first field without the comma, after the object's brace), in UTF-8.</summary>
    private static byte[] Prefix(string name, bool first = false) =>
        Encoding.UTF8.GetBytes(first ? $"{{\"{name}\":" : $",\"{name}\":");
}
