using System.Collections;
using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;

namespace ThreadedLogging;

/// <summary>
/// Serilog's captured values, which a Serilog-first app hands to MEL providers through Serilog's own
/// <c>WriteTo.Providers(…)</c> sink (Serilog.Extensions.Logging): it unwraps scalars but passes a destructured object,
/// a collection and a dictionary as its <c>StructureValue</c>, <c>SequenceValue</c> and <c>DictionaryValue</c>. They
/// become the object, array and object they stand for, not their text. Recognised by type name and read by reflection
/// (cached per type), so the library does not depend on Serilog; these values are immutable snapshots already.
/// </summary>
internal static partial class ValueFreezer
{
    private enum SerilogKind
    {
        Scalar,
        Sequence,
        Structure,
        Dictionary,
    }

    /// <summary>The kind and the getters of each Serilog value type seen so far; null for every other type.</summary>
    private static readonly ConcurrentDictionary<Type, SerilogType?> SerilogTypes = new();

    private static SerilogType? SerilogTypeOf(Type type) => SerilogTypes.GetOrAdd(type, static t =>
    {
        if (t.Assembly.GetName().Name != "Serilog")
        {
            return null;
        }

        return t.FullName switch
        {
            "Serilog.Events.ScalarValue" => new SerilogType(SerilogKind.Scalar, t.GetProperty("Value")!, null),
            "Serilog.Events.SequenceValue" => new SerilogType(SerilogKind.Sequence, t.GetProperty("Elements")!, null),
            "Serilog.Events.StructureValue" => new SerilogType(SerilogKind.Structure, t.GetProperty("Properties")!, t.GetProperty("TypeTag")),
            "Serilog.Events.DictionaryValue" => new SerilogType(SerilogKind.Dictionary, t.GetProperty("Elements")!, null),
            _ => null,
        };
    });

    /// <summary>
    /// A scalar, a sequence or a dictionary is frozen as what it wraps (its value, its elements, its entries, whose
    /// scalar keys <see cref="KeyText"/> reads); a structure becomes a <see cref="DestructuredValue"/>.
    /// </summary>
    private static object? FreezeSerilog(object value, SerilogType serilog, int depth, ref int budget, bool destructure)
    {
        var content = serilog.Content.GetValue(value);
        if (serilog.Kind != SerilogKind.Structure)
        {
            return Freeze(content, depth, ref budget, destructure);
        }

        var members = new List<KeyValuePair<string, object?>>();
        if (serilog.TypeTag?.GetValue(value) is string tag)
        {
            members.Add(new(DestructuredValue.TypeTag, tag));
        }

        foreach (var property in (IEnumerable?)content ?? Array.Empty<object>())
        {
            if (members.Count == MaxItems || budget-- <= 0)
            {
                break;
            }

            var (name, item) = PropertyGetters.GetOrAdd(property.GetType(), static t => (t.GetProperty("Name")!, t.GetProperty("Value")!));
            members.Add(new((string?)name.GetValue(property) ?? string.Empty, Freeze(item.GetValue(property), depth + 1, ref budget, destructure)));
        }

        return new DestructuredValue(value.ToString() ?? string.Empty, [.. members]);
    }

    /// <summary>
    /// The name a dictionary's key gives its entry on the wire: the text the wire writes for that value, whatever the
    /// caller's culture — its invariant text, a date's ISO 8601 (<c>"O"</c>, as a date value is written); a Serilog
    /// <c>ScalarValue</c> key (a <c>DictionaryValue</c>'s) its value's, unquoted. (Serilog's JSON names an entry by the key's
    /// <c>ToString()</c>, in the culture of the thread that formats it: the same data would be named differently per machine.)
    /// </summary>
    private static string KeyText(object? key) => UnwrapScalarKey(key) switch
    {
        null => string.Empty,
        string text => text,
        DateTime date => date.ToString("O", CultureInfo.InvariantCulture),
        DateTimeOffset date => date.ToString("O", CultureInfo.InvariantCulture),
        var other => Convert.ToString(other, CultureInfo.InvariantCulture) ?? string.Empty,
    };

    /// <summary>A Serilog <c>ScalarValue</c> key's value; any other key as it is.</summary>
    private static object? UnwrapScalarKey(object? key) =>
        key is null or string || SerilogTypeOf(key.GetType()) is not { Kind: SerilogKind.Scalar } scalar ? key : scalar.Content.GetValue(key);

    /// <summary>The Name and Value getters of Serilog's <c>LogEventProperty</c> (a structure's members).</summary>
    private static readonly ConcurrentDictionary<Type, (PropertyInfo Name, PropertyInfo Value)> PropertyGetters = new();

    private sealed record SerilogType(SerilogKind Kind, PropertyInfo Content, PropertyInfo? TypeTag);
}
