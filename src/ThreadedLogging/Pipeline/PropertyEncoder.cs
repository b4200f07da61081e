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
