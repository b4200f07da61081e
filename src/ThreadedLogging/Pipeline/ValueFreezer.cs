using System.Collections;
using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace ThreadedLogging;

/// <summary>
/// A property's value as it was at the log call, for the worker to format and serialize later: immutable values are
/// kept, bytes copied as <see cref="LoggedBytes"/>, collections copied, anything else becomes its text. Bounded, since it runs on the caller's thread: at most
/// <see cref="MaxItems"/> items of one collection, <see cref="MaxNodes"/> items in all, <see cref="MaxDepth"/> levels
/// of nesting (a collection that holds itself, a deep graph); past the depth an item is its text, as MEL writes it.
/// A value logged under a name that starts with <c>@</c> is destructured (<see cref="Destructure"/>).
/// </summary>
internal static partial class ValueFreezer
{
    /// <summary>Levels of nested collections kept (Serilog's default destructuring depth).</summary>
    internal const int MaxDepth = 10;

    /// <summary>Items kept of one collection.</summary>
    internal const int MaxItems = 1000;

    /// <summary>Items kept of one value, all levels together.</summary>
    internal const int MaxNodes = 10_000;

    /// <summary>The readable public properties of each type destructured so far.</summary>
    private static readonly ConcurrentDictionary<Type, PropertyInfo[]> ReadableProperties = new();

    /// <summary>The Key and Value getters of each sequence type of key-value pairs seen so far; null for other types.</summary>
    private static readonly ConcurrentDictionary<Type, (PropertyInfo Key, PropertyInfo Value)?> PairTypes = new();

    /// <summary>Returns the value itself when it is immutable, else a snapshot of it.</summary>
    public static object? Freeze(object? value) => IsCommonImmutable(value) ? value : FreezeOther(value!);

    /// <summary>
    /// As <see cref="Freeze(object?)"/>, but an object that is not a scalar or a collection becomes its public
    /// properties (<see cref="DestructuredValue"/>), at every level, as Serilog destructures <c>{@Order}</c>.
    /// </summary>
    public static object? Destructure(object? value)
    {
        var budget = MaxNodes;
        return Freeze(value, 0, ref budget, destructure: true);
    }

    /// <summary>
    /// A property's value frozen as its hole asks: <see cref="Destructure"/> for <c>{@Name}</c>, else
    /// <see cref="Freeze(object?)"/>. MEL keeps the <c>@</c> in the name; NLog (its <c>MicrosoftILoggerTarget</c>) passes
    /// the name without it, so the call's <paramref name="template"/>, when known, is asked too.
    /// </summary>
    public static object? FreezeProperty(string name, object? value, string? template = null) =>
        name is ['@', ..] || (template is not null && AsksToDestructure(template, name)) ? Destructure(value)
        : IsCommonImmutable(value) ? value
        : value is IFormattable formattable && BecomesText(value) ? FormattedText(formattable, name, template)
        : FreezeOther(value!);

    /// <summary>The common immutable types, by type test alone: cheaper than the reflection of <see cref="IsKeptAsIs"/> (a fast path, not another decision).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsCommonImmutable(object? value) =>
        value is null or string or int or long or bool or double or decimal or DateTime or DateTimeOffset or Guid or TimeSpan;

    /// <summary>The one home of which values are kept as they are (immutable, written by value): primitives, enums, numbers, dates, guids, time spans, URIs, versions.</summary>
    private static bool IsKeptAsIs(object value, Type type) =>
        type.IsPrimitive || type.IsEnum || value is decimal or DateTime or DateTimeOffset or Guid or TimeSpan or Uri or Version or DateOnly or TimeOnly;

    /// <summary>
    /// An app's own <see cref="IFormattable"/> (a money or a quantity type) in a hole, as MEL writes it there: with the
    /// hole's format and the invariant culture (<c>{Price:C}</c>), not its <c>ToString()</c> in the caller's culture.
    /// </summary>
    private static string FormattedText(IFormattable value, string name, string? template)
    {
        string? format = null;
        if (template is not null)
        {
            foreach (var segment in ParsedTemplate.Get(template).Segments)
            {
                if (segment.Format is not null && string.Equals(segment.Name, name, StringComparison.Ordinal))
                {
                    format = segment.Format;
                    break;
                }
            }
        }

        try
        {
            return value.ToString(format, CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return $"<{value.GetType().Name}: {e.GetType().Name}>"; // a format the type refuses: as a value whose text throws
        }
    }

    /// <summary>Whether <see cref="Freeze(object?)"/> keeps <paramref name="value"/> only as its text (not a value kept as it is, bytes or a collection).</summary>
    private static bool BecomesText(object value) =>
        !(IsKeptAsIs(value, value.GetType()) || value is IEnumerable || LoggedBytes.From(value) is not null || SerilogTypeOf(value.GetType()) is not null);

    /// <summary>Whether <paramref name="template"/> has a hole <c>{@name}</c> (with or without an alignment or a format).</summary>
    internal static bool AsksToDestructure(string template, string name)
    {
        var rest = template.AsSpan();
        for (var at = rest.IndexOf("{@", StringComparison.Ordinal); at >= 0; at = rest.IndexOf("{@", StringComparison.Ordinal))
        {
            // "{{@" is a literal brace, not a hole.
            var escaped = at > 0 && rest[at - 1] == '{';
            rest = rest[(at + 2)..];
            if (!escaped && rest.StartsWith(name, StringComparison.Ordinal) && rest.Length > name.Length && rest[name.Length] is '}' or ',' or ':')
            {
                return true;
            }
        }

        return false;
    }

    private static object? FreezeOther(object value)
    {
        var budget = MaxNodes;
        return Freeze(value, 0, ref budget, destructure: false);
    }

    private static object? Freeze(object? value, int depth, ref int budget, bool destructure)
    {
        if (value is null or string)
        {
            return value;
        }

        var type = value.GetType();
        if (IsKeptAsIs(value, type))
        {
            return value;
        }

        if (LoggedBytes.From(value) is { } bytes)
        {
            budget--;
            return bytes;
        }

        try
        {
            var frozen = (value, depth < MaxDepth) switch
            {
                (IEnumerable<KeyValuePair<string, object?>> pairs, true) => FreezePairs(pairs, depth, ref budget, destructure),
                (IDictionary dictionary, true) => FreezeDictionary(dictionary, depth, ref budget, destructure),
                (IEnumerable pairs, true) when PairsOf(type) is { } pair => FreezeKeyValuePairs(pairs, pair, depth, ref budget, destructure),
                (IEnumerable items, true) => FreezeItems(items, depth, ref budget, destructure),
                (_, true) when SerilogTypeOf(type) is { } serilog => FreezeSerilog(value, serilog, depth, ref budget, destructure),
                (_, true) when destructure && !IsScalar(value) => DestructureObject(value, depth, ref budget),
                _ => value.ToString(),
            };

            // An item of a logged collection: MEL's message shows its text, not its items. A logged dictionary: MEL
            // writes each entry as KeyValuePair does, the value in the caller's culture.
            return depth switch
            {
                0 => CallerCulture.Remember(frozen),
                1 => NestedText.Remember(frozen, value),
                _ => frozen,
            };
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A value whose ToString or enumerator throws must not break the caller's log call.
            return $"<{type.Name}: {e.GetType().Name}>";
        }
    }

    private static Dictionary<string, object?> FreezePairs(IEnumerable<KeyValuePair<string, object?>> pairs, int depth, ref int budget, bool destructure)
    {
        var copy = new Dictionary<string, object?>();
        foreach (var pair in pairs)
        {
            if (copy.Count == MaxItems || budget-- <= 0)
            {
                break;
            }

            copy[pair.Key] = Freeze(pair.Value, depth + 1, ref budget, destructure);
        }

        return copy;
    }

    /// <summary>A dictionary of any key and value types: an object whose names are the keys' text (as Serilog writes it), not a list of "[key, value]".</summary>
    private static Dictionary<string, object?> FreezeDictionary(IDictionary dictionary, int depth, ref int budget, bool destructure)
    {
        var copy = new Dictionary<string, object?>();
        var entries = dictionary.GetEnumerator();
        try
        {
            while (copy.Count < MaxItems && budget-- > 0 && entries.MoveNext())
            {
                copy[FreezeKey(copy, entries.Key, depth)] = Freeze(entries.Value, depth + 1, ref budget, destructure);
            }
        }
        finally
        {
            (entries as IDisposable)?.Dispose();
        }

        return copy;
    }

    /// <summary>
    /// A key of a logged dictionary: its name on the wire (<see cref="KeyText"/>); at the top level, whose entries the
    /// message shows, MEL's text of it (its <c>ToString()</c> on the caller's thread) is remembered when that differs.
    /// </summary>
    private static string FreezeKey(Dictionary<string, object?> copy, object? key, int depth)
    {
        var name = KeyText(key);
        if (depth == 0 && key is not (null or string) && ReferenceEquals(UnwrapScalarKey(key), key) && key.ToString() is { } shown && shown != name)
        {
            CallerCulture.RememberKey(copy, name, shown);
        }

        return name;
    }

    /// <summary>
    /// The Key and Value of <c>KeyValuePair&lt;TKey, TValue&gt;</c> when <paramref name="type"/> is a sequence of them
    /// that is not an <see cref="IDictionary"/> (ASP.NET Core's request headers, a query, an <c>IReadOnlyDictionary</c>).
    /// </summary>
    private static (PropertyInfo Key, PropertyInfo Value)? PairsOf(Type type) => PairTypes.GetOrAdd(type, static t =>
        t.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>)
            && i.GenericTypeArguments[0] is { IsGenericType: true } item && item.GetGenericTypeDefinition() == typeof(KeyValuePair<,>))
            ?.GenericTypeArguments[0] is { } pair
            ? (pair.GetProperty("Key")!, pair.GetProperty("Value")!)
            : null);

    /// <summary>A sequence of key-value pairs as an object, as <see cref="FreezeDictionary"/> makes one.</summary>
    private static Dictionary<string, object?> FreezeKeyValuePairs(IEnumerable pairs, (PropertyInfo Key, PropertyInfo Value) pair, int depth, ref int budget, bool destructure)
    {
        var copy = new Dictionary<string, object?>();
        foreach (var item in pairs)
        {
            if (copy.Count == MaxItems || budget-- <= 0)
            {
                break;
            }

            copy[FreezeKey(copy, pair.Key.GetValue(item), depth)] = Freeze(pair.Value.GetValue(item), depth + 1, ref budget, destructure);
        }

        return copy;
    }

    private static object?[] FreezeItems(IEnumerable items, int depth, ref int budget, bool destructure)
    {
        var copy = new List<object?>();
        foreach (var item in items)
        {
            if (copy.Count == MaxItems || budget-- <= 0)
            {
                break;
            }

            // MEL writes an item that is IFormattable with the invariant culture (an app's money type too), any other with its ToString().
            copy.Add(item is IFormattable formattable && BecomesText(item) && !destructure
                ? formattable.ToString(null, CultureInfo.InvariantCulture)
                : Freeze(item, depth + 1, ref budget, destructure));
        }

        // A new array even when empty ([.. copy] would be the shared empty one): NestedText keys on the copy.
        var frozen = new object?[copy.Count];
        copy.CopyTo(frozen);
        return frozen;
    }

    /// <summary>
    /// What destructuring keeps as text: values with a text form of their own (numbers, dates, <see cref="IFormattable"/>),
    /// and objects whose getters reflect the runtime or may block (types, members, delegates, tasks).
    /// </summary>
    private static bool IsScalar(object value) =>
        value is IFormattable or Delegate or MemberInfo or Assembly or Module or Task
        || value.GetType().Namespace is "System.Threading.Tasks" or "System.Reflection";

    private static object DestructureObject(object value, int depth, ref int budget)
    {
        var type = value.GetType();
        var getters = ReadableProperties.GetOrAdd(type, static t =>
            [.. t.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetMethod is { IsPublic: true } && p.GetIndexParameters().Length == 0)]);
        if (getters.Length == 0)
        {
            return value.ToString() ?? type.Name;
        }

        var anonymous = type.Name.StartsWith("<>", StringComparison.Ordinal);
        var properties = new List<KeyValuePair<string, object?>>(getters.Length + 1);
        if (!anonymous)
        {
            properties.Add(new(DestructuredValue.TypeTag, type.Name));
        }

        foreach (var getter in getters)
        {
            if (properties.Count == MaxItems || budget-- <= 0)
            {
                break;
            }

            object? item;
            try
            {
                item = getter.GetValue(value);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // One getter that throws costs its own value only, as in Serilog.
                item = $"<{getter.Name}: {(e.InnerException ?? e).GetType().Name}>";
            }

            properties.Add(new(getter.Name, Freeze(item, depth + 1, ref budget, destructure: true)));
        }

        return new DestructuredValue(value.ToString() ?? type.Name, [.. properties]);
    }
}
