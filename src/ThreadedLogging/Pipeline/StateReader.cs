using System.Reflection;

namespace ThreadedLogging;

/// <summary>Reads the properties of a state into an event; returns the template, if any.</summary>
internal delegate string? StateReaderDelegate<TState>(in TState state, LogEvent target, ref int bytes);

/// <summary>
/// For a struct state that is a property list — MEL's <c>FormattedLogValues</c>, what every
/// <c>LogInformation("...", args)</c> passes — a reader that calls the list through a constrained
/// generic method instead of casting the struct to the interface, which would box it on every call.
/// <see langword="null"/> for any other state (classes are read through the interface, no box needed).
/// </summary>
internal static class StateReader<TState>
{
    public static readonly StateReaderDelegate<TState>? Read = Create();

    private static StateReaderDelegate<TState>? Create()
    {
        if (!typeof(TState).IsValueType || !typeof(IReadOnlyList<KeyValuePair<string, object?>>).IsAssignableFrom(typeof(TState)))
        {
            return null;
        }

        try
        {
            var method = typeof(EventCapture).GetMethod(nameof(EventCapture.CaptureProperties), BindingFlags.NonPublic | BindingFlags.Static)!;
            return method.MakeGenericMethod(typeof(TState)).CreateDelegate<StateReaderDelegate<TState>>();
        }
        catch (Exception e) when (e is NotSupportedException or InvalidOperationException or ArgumentException)
        {
            return null; // e.g. no code for the instantiation under Native AOT: the interface (boxing) path still works
        }
    }
}
