using System.Numerics;

namespace ThreadedLogging.Collector.Ingest.Formats.Python;

/// <summary>
/// A Python value read back from its <c>repr()</c>. <see cref="Repr"/> is the source text, which is
/// exactly Python's <c>repr()</c>; <see cref="Str"/> is Python's <c>str()</c> (the same except for strings).
/// </summary>
internal sealed class PyValue
{
    private PyValue(PyKind kind, string repr)
    {
        Kind = kind;
        Repr = repr;
    }

    public PyKind Kind { get; }

    public string Repr { get; }

    public string Str => Kind == PyKind.Str ? Text! : Repr;

    /// <summary>Gets the value of a str.</summary>
    public string? Text { get; private init; }

    /// <summary>Gets the value of an int or bool.</summary>
    public BigInteger Integer { get; private init; }

    /// <summary>Gets the value of a float.</summary>
    public double Float { get; private init; }

    /// <summary>Gets the items of a tuple, list or set.</summary>
    public IReadOnlyList<PyValue> Items { get; private init; } = [];

    /// <summary>Gets the entries of a dict.</summary>
    public IReadOnlyList<KeyValuePair<PyValue, PyValue>> Entries { get; private init; } = [];

    /// <summary>Gets a value indicating whether Python's truth test fails (<c>if record.args:</c>).</summary>
    public bool IsFalsy => Kind switch
    {
        PyKind.None => true,
        PyKind.Bool or PyKind.Int => Integer.IsZero,
        PyKind.Float => Float == 0,
        PyKind.Str => Text!.Length == 0,
        PyKind.Bytes => Repr.Length <= 3,
        PyKind.Dict => Entries.Count == 0,
        _ => Items.Count == 0,
    };

    public static PyValue None(string repr) => new(PyKind.None, repr);

    public static PyValue Bool(bool value, string repr) => new(PyKind.Bool, repr) { Integer = value ? BigInteger.One : BigInteger.Zero };

    public static PyValue Int(BigInteger value, string repr) => new(PyKind.Int, repr) { Integer = value };

    public static PyValue FloatValue(double value, string repr) => new(PyKind.Float, repr) { Float = value };

    public static PyValue String(string value, string repr) => new(PyKind.Str, repr) { Text = value };

    public static PyValue Bytes(string repr) => new(PyKind.Bytes, repr);

    public static PyValue Sequence(PyKind kind, IReadOnlyList<PyValue> items, string repr) => new(kind, repr) { Items = items };

    public static PyValue Dict(IReadOnlyList<KeyValuePair<PyValue, PyValue>> entries, string repr) => new(PyKind.Dict, repr) { Entries = entries };
}
