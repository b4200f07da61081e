namespace ThreadedLogging;

/// <summary>
/// Bytes logged as a value (<c>byte[]</c>, <c>ArraySegment&lt;byte&gt;</c>, <c>Memory&lt;byte&gt;</c>,
/// <c>ReadOnlyMemory&lt;byte&gt;</c>) as they were at the call. Shipped as Serilog writes a byte array: upper-case hex
/// ("0A1B2C") up to <see cref="MaxBytes"/> bytes, else the first 16 bytes' hex and the length
/// ("000102030405060708090A0B0C0D0E0F... (4096 bytes)"), not an array of numbers (docs/WIRE-FORMAT.md). A message
/// renders them as MEL does: an array's or a segment's bytes joined with ", ", a memory's own text.
/// </summary>
internal sealed class LoggedBytes
{
    /// <summary>The most bytes shipped whole (Serilog's <c>ByteArrayScalarConversionPolicy</c> limit).</summary>
    public const int MaxBytes = 1024;

    /// <summary>The bytes shown of a longer value.</summary>
    public const int PrefixBytes = 16;

    private static readonly string ArrayText = typeof(byte[]).ToString();
    private static readonly string SegmentText = typeof(ArraySegment<byte>).ToString();

    /// <summary>The first <see cref="MaxBytes"/> bytes at most: a copy, since a buffer is reused after the call.</summary>
    private readonly byte[] _kept;

    /// <summary>MEL's text for a value it does not enumerate (a memory's "System.ReadOnlyMemory&lt;Byte&gt;[3]"); null for an array or a segment.</summary>
    private readonly string? _text;

    private LoggedBytes(ReadOnlySpan<byte> bytes, string? text, string itemText)
    {
        Length = bytes.Length;
        _kept = bytes[..Math.Min(bytes.Length, MaxBytes)].ToArray();
        _text = text;
        ItemText = itemText;
    }

    /// <summary>Gets the value's text as an item of a logged collection, where MEL writes its <c>ToString()</c>: <c>System.Byte[]</c>.</summary>
    public string ItemText { get; }

    /// <summary>Gets how many bytes were logged.</summary>
    public int Length { get; }

    /// <summary>Gets the bytes as shipped: their hex, or for more than <see cref="MaxBytes"/> the first ones' and the length.</summary>
    public string Hex => Length <= MaxBytes
        ? Convert.ToHexString(_kept)
        : $"{Convert.ToHexString(_kept.AsSpan(0, PrefixBytes))}... ({Length} bytes)";

    /// <summary>The value as <see cref="LoggedBytes"/> when it is bytes, else null.</summary>
    public static LoggedBytes? From(object value) => value switch
    {
        byte[] array => new LoggedBytes(array, null, ArrayText),
        ArraySegment<byte> segment => new LoggedBytes(segment, null, SegmentText),
        ReadOnlyMemory<byte> memory => new LoggedBytes(memory.Span, memory.ToString(), memory.ToString()),
        Memory<byte> memory => new LoggedBytes(memory.Span, memory.ToString(), memory.ToString()),
        _ => null,
    };

    /// <summary>The bytes for a wrapped provider: the array when all were kept, else <see cref="Hex"/>.</summary>
    public object Replayed() => Length <= MaxBytes ? _kept.Clone() : Hex;

    /// <summary>The value's text in a message, as MEL renders it; past <see cref="ValueFreezer.MaxItems"/> bytes cut as any collection is.</summary>
    public override string ToString() => _text ?? string.Join(", ", _kept.Take(ValueFreezer.MaxItems));
}
