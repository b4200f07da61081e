using System.Reflection;
using System.Runtime.CompilerServices;

namespace ThreadedLogging;

/// <summary>Writes the properties of a state into a record; returns the template, if any.</summary>
internal delegate string? PropertyEncoderDelegate<TState>(RecordWriter writer, in TState state);

/// <summary>
/// For a struct state that is a property list — MEL's <c>FormattedLogValues</c> — a writer that calls the list
/// through a constrained generic method instead of casting the struct to the interface (a box per call).
/// <see langword="null"/> for any other state.
/// </summary>
internal static class PropertyEncoder<TState>
{
    public static readonly PropertyEncoderDelegate<TState>? Encode = Create();

    /// <summary>
    /// Whether the call's formatter text is its message, kept beside the template: so for Serilog's state. A Serilog
    /// app that writes to MEL providers (<c>WriteTo.Providers</c>, Serilog.Extensions.Logging) hands each its
    /// <c>SerilogLogValues</c>, whose formatter is Serilog's own rendering (what <c>LogEvent.RenderMessage()</c> and its
    /// console show: <c>"ann"</c> quoted, a sequence <c>[1, 2]</c>, a dictionary <c>[("a": 1)]</c>), where MEL's
    /// rendering of the same values reads <c>ann</c>, <c>1, 2</c>. Rendered at the call, as Serilog's sinks render it.
    /// So also for NLog's: an app that logs through NLog's <c>MicrosoftILoggerTarget</c> (NLog.Extensions.Logging) hands
    /// each call's <c>LogState</c>, whose formatter is the target's <c>Layout</c> rendered (NLog's own <c>${message}</c>,
    /// and whatever else the layout adds: <c>${message} (${logger})</c>), where MEL's rendering of its template loses it.
    /// A field of this class, whose statics the call reads already for <see cref="Encode"/>: no cost for other states.
    /// </summary>
    public static readonly bool KeepsFormatterText = typeof(TState).FullName
        is "Serilog.Extensions.Logging.SerilogLogValues" or "NLog.Extensions.Logging.MicrosoftILoggerTarget+LogState";

    /// <summary>
    /// Whether the call may be encoded in place, into a range of the ring held for it (<see cref="RecordRing.TryReserve"/>):
    /// only for MEL's own states (<c>FormattedLogValues</c>, <c>LoggerMessage.Define</c>'s), whose reading runs no code
    /// of the app's. While the range is held the worker waits at it; the code of another state (its list, its formatter)
    /// could block there, or log on the same thread (a second record into the same writer), so those are encoded into the
    /// thread's buffer and copied.
    /// </summary>
    public static readonly bool InPlace = Encode is not null && typeof(TState).Assembly == typeof(Microsoft.Extensions.Logging.ILogger).Assembly && !KeepsFormatterText;

    private static PropertyEncoderDelegate<TState>? Create()
    {
        if (!typeof(TState).IsValueType || !typeof(IReadOnlyList<KeyValuePair<string, object?>>).IsAssignableFrom(typeof(TState)))
        {
            return null;
        }

        try
        {
            // MEL's FormattedLogValues: read from its fields, when this MEL has the ones read (else the indexer, below).
            if (typeof(TState).FullName == "Microsoft.Extensions.Logging.FormattedLogValues"
                && typeof(TState).Assembly == typeof(Microsoft.Extensions.Logging.ILogger).Assembly
                && typeof(FormattedValuesEncoder<>).MakeGenericType(typeof(TState)).GetMethod(nameof(FormattedValuesEncoder<List<KeyValuePair<string, object?>>>.TryCreate))!.Invoke(null, [null]) is { } fields)
            {
                return fields.GetType().GetMethod(nameof(FormattedValuesEncoder<List<KeyValuePair<string, object?>>>.Write))!.CreateDelegate<PropertyEncoderDelegate<TState>>(fields);
            }

            // Bound to an instance: a delegate of a static method is called through a shuffle thunk (seen in a perf profile).
            var lists = typeof(ListEncoder<>).MakeGenericType(typeof(TState));
            var method = lists.GetMethod(nameof(ListEncoder<List<KeyValuePair<string, object?>>>.Write))!;
            return method.CreateDelegate<PropertyEncoderDelegate<TState>>(Activator.CreateInstance(lists));
        }
        catch (Exception e) when (e is NotSupportedException or InvalidOperationException or ArgumentException)
        {
            return null; // no code for the instantiation (Native AOT): the interface path still works
        }
    }

}

/// <summary>The target of <see cref="PropertyEncoder{TState}.Encode"/> for a struct list state.</summary>
internal sealed class ListEncoder<TList>
    where TList : IReadOnlyList<KeyValuePair<string, object?>>
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public string? Write(RecordWriter writer, in TList list) => writer.WriteProperties(in list);
}
