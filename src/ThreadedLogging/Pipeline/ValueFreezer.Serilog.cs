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

    private static object? FreezeSerilog(object value, SerilogType serilog, int depth, ref int budget, bool destructure)
    {
        var content = serilog.Content.GetValue(value);
        switch (serilog.Kind)
        {
            case SerilogKind.Scalar:
                return Freeze(content, depth, ref budget, destructure);
            case SerilogKind.Sequence:
                return content is IEnumerable items ? FreezeItems(items, depth, ref budget, destructure) : value.ToString();
            case SerilogKind.Dictionary:
                var copy = new Dictionary<string, object?>();
                foreach (var entry in (IEnumerable?)content ?? Array.Empty<object>())
                {
                    if (copy.Count == MaxItems || budget-- <= 0)
                    {
                        break;
                    }

                    var (key, item) = Pair(entry);
                    var scalarKey = key is null ? null : SerilogTypeOf(key.GetType()) is { Kind: SerilogKind.Scalar } k ? k.Content.GetValue(key) : key;
                    copy[Convert.ToString(scalarKey, CultureInfo.InvariantCulture) ?? string.Empty] = Freeze(item, depth + 1, ref budget, destructure);
                }

                return copy;
            default:
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

                    var getters = PropertyGetters(property.GetType());
                    members.Add(new((string?)getters.Name.GetValue(property) ?? string.Empty, Freeze(getters.Value.GetValue(property), depth + 1, ref budget, destructure)));
                }

                return new DestructuredValue(value.ToString() ?? string.Empty, [.. members]);
        }
    }

    /// <summary>A <c>KeyValuePair&lt;,&gt;</c> of any types, read through its type's getters.</summary>
    private static (object? Key, object? Value) Pair(object entry)
    {
        var (key, value) = TwoGetters(entry.GetType(), "Key", "Value");
        return (key.GetValue(entry), value.GetValue(entry));
    }

    /// <summary>A Serilog <c>LogEventProperty</c>'s Name and Value getters.</summary>
    private static (PropertyInfo Name, PropertyInfo Value) PropertyGetters(Type type) => TwoGetters(type, "Name", "Value");

    private static (PropertyInfo First, PropertyInfo Second) TwoGetters(Type type, string first, string second) =>
        SerilogGetters.GetOrAdd(type, static (t, names) => (t.GetProperty(names.first)!, t.GetProperty(names.second)!), (first, second));

    /// <summary>The two getters read of each pair type (a dictionary's entries, a structure's properties).</summary>
    private static readonly ConcurrentDictionary<Type, (PropertyInfo First, PropertyInfo Second)> SerilogGetters = new();

    private sealed record SerilogType(SerilogKind Kind, PropertyInfo Content, PropertyInfo? TypeTag);
}
