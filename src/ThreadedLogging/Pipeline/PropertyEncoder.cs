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

    private static PropertyEncoderDelegate<TState>? Create()
    {
        if (!typeof(TState).IsValueType || !typeof(IReadOnlyList<KeyValuePair<string, object?>>).IsAssignableFrom(typeof(TState)))
        {
            return null;
        }

        try
        {
            var method = typeof(PropertyEncoder<TState>).GetMethod(nameof(Write), BindingFlags.NonPublic | BindingFlags.Static)!;
            return method.MakeGenericMethod(typeof(TState)).CreateDelegate<PropertyEncoderDelegate<TState>>();
        }
        catch (Exception e) when (e is NotSupportedException or InvalidOperationException or ArgumentException)
        {
            return null; // no code for the instantiation (Native AOT): the interface path still works
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static string? Write<TList>(RecordWriter writer, in TList list)
        where TList : IReadOnlyList<KeyValuePair<string, object?>> => writer.WriteProperties(in list);
}
