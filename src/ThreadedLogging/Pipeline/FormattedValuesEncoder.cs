using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;

namespace ThreadedLogging;

/// <summary>
/// The target of <see cref="PropertyEncoder{TState}.Encode"/> for MEL's <c>FormattedLogValues</c> (the state of every
/// <c>LogInformation("...", args)</c>): reads its template's names, its values array and its template straight from
/// the struct, where its indexer makes a pair per property and checks the count twice for each. Built only when
/// <see cref="TryCreate"/> finds the members it reads; a MEL that changed them gets <see cref="ListEncoder{TList}"/>, the
/// indexer, as before.
/// </summary>
internal sealed class FormattedValuesEncoder<TList>
    where TList : IReadOnlyList<KeyValuePair<string, object?>>
{
    private const string FormatterType = "Microsoft.Extensions.Logging.LogValuesFormatter, Microsoft.Extensions.Logging.Abstractions";

    /// <summary>
    /// The encoder when <typeparamref name="TList"/> has the members it reads and they give what the indexer gives
    /// (checked on a state MEL makes for a call with two arguments); else null.
    /// </summary>
    /// <param name="call">Makes the call checked (tests: a state of another shape); by default MEL's <c>LogInformation("{A} {B}", 1, "b")</c>.</param>
    public static FormattedValuesEncoder<TList>? TryCreate(Action<ILogger>? call = null)
    {
        try
        {
            var probe = new Probe();
            (call ?? (static logger => logger.LogInformation("{A} {B}", 1, "b")))(probe);
            return probe.Matches ? new FormattedValuesEncoder<TList>() : null;
        }
        catch (Exception e) when (e is MissingMemberException or TypeLoadException or NotSupportedException or InvalidProgramException or InvalidCastException)
        {
            return null;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public string? Write(RecordWriter writer, in TList list)
    {
        ref var state = ref Unsafe.AsRef(in list);
        var formatter = Formatter(ref state);
        return writer.WriteFormattedValues(formatter is null ? null : ValueNames(formatter), Values(ref state), Template(ref state));
    }

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "get_Formatter")]
    [return: UnsafeAccessorType(FormatterType)]
    private static extern object? Formatter(ref TList state);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_values")]
    private static extern ref object?[]? Values(ref TList state);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_originalMessage")]
    private static extern ref string? Template(ref TList state);

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "get_ValueNames")]
    private static extern List<string> ValueNames([UnsafeAccessorType(FormatterType)] object formatter);

    /// <summary>Compares what the fields give with what the indexer gives, for the state of one call.</summary>
    private sealed class Probe : ILogger
    {
        public bool Matches { get; private set; }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (typeof(TState) != typeof(TList))
            {
                return;
            }

            ref var list = ref Unsafe.As<TState, TList>(ref state);
            var names = Formatter(ref list) is { } valuesFormatter ? ValueNames(valuesFormatter) : null;
            var values = Values(ref list);
            Matches = names is { Count: 2 } && values is { Length: 2 } && list.Count == 3
                && list[0].Key == names[0] && ReferenceEquals(list[0].Value, values[0])
                && list[1].Key == names[1] && ReferenceEquals(list[1].Value, values[1])
                && list[2].Key == RecordFormat.OriginalFormat && ReferenceEquals(list[2].Value, Template(ref list));
        }
    }
}
