using System.Collections;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Tests.Support;

namespace ThreadedLogging.Tests.Pipeline;

/// <summary>
/// MEL's <c>FormattedLogValues</c> is read from its fields, not through its indexer (a pair made per property, the
/// count checked twice each): only when this MEL has the members read and they give what the indexer gives; any
/// other shape falls back to the indexer.
/// </summary>
public sealed class FormattedValuesEncoderTests
{
    [Fact]
    public void Encode_MelsFormattedLogValues_ReadFromItsFields()
    {
        var state = StateOf(logger => logger.LogInformation("User {UserId} did {Action}", 5, "x"));

        var encode = typeof(PropertyEncoder<>).MakeGenericType(state).GetField(nameof(PropertyEncoder<int>.Encode))!.GetValue(null);

        Assert.Equal(typeof(FormattedValuesEncoder<>).MakeGenericType(state), Assert.IsAssignableFrom<Delegate>(encode).Target?.GetType());
    }

    [Fact]
    public void TryCreate_AStateWithoutTheFieldsRead_NoneSoTheIndexerIsUsed()
    {
        Assert.Null(FormattedValuesEncoder<Pairs>.TryCreate(logger => logger.Log(LogLevel.Information, default, new Pairs(false), null, (_, _) => "")));
    }

    [Fact]
    public void TryCreate_FieldsOfTheSameNamesThatDisagreeWithTheIndexer_NoneSoTheIndexerIsUsed()
    {
        Assert.Null(FormattedValuesEncoder<Lookalike>.TryCreate(logger => logger.Log(LogLevel.Information, default, new Lookalike(1, "b"), null, (_, _) => "")));
    }

    [Fact]
    public void Log_CallsOfEveryShape_PropertiesAndTemplateAsTheIndexerGivesThem()
    {
        var sink = new CollectingSink().Open();
        using var handler = new ThreadedHandler(sink, new ThreadedHandlerOptions { CaptureUnhandledExceptions = false });
        var logger = handler.CreateLogger("Shapes");
        logger.LogInformation("No holes");
#pragma warning disable CA2017 // a template with holes and no arguments: MEL keeps no names for it
        logger.LogInformation("Holes {A} without arguments");
#pragma warning restore CA2017
        logger.LogInformation("Three {A} {B} {C:F1}", 1, null, 2.5);
        logger.LogInformation("Same name {A} {A}", "x", "y");

        Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        var events = sink.Delivered;
        Assert.Equal(["No holes", "Holes {A} without arguments", "Three {A} {B} {C:F1}", "Same name {A} {A}"], events.Select(e => e.Template));
        Assert.Empty(events[0].Properties);
        Assert.Empty(events[1].Properties);
        Assert.Equal(new KeyValuePair<string, object?>[] { new("A", 1), new("B", null), new("C", 2.5) }, events[2].Properties);
        Assert.Equal(new KeyValuePair<string, object?>[] { new("A", "x"), new("A", "y") }, events[3].Properties);
    }

    private static Type StateOf(Action<ILogger> call)
    {
        var capture = new StateType();
        call(capture);
        return capture.Type!;
    }

    /// <summary>A list state without MEL's fields.</summary>
    private readonly struct Pairs(bool unused) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public int Count => unused ? 0 : 1;

        public KeyValuePair<string, object?> this[int index] => new("{OriginalFormat}", "t");

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
        {
            yield return this[0];
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }

    /// <summary>MEL's field names, but its indexer gives the values in another order than the array holds them.</summary>
    private readonly struct Lookalike(object a, object b) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        private readonly object?[] _values = [a, b];
        private readonly string _originalMessage = "{A} {B}";

        public int Count => 3;

        public KeyValuePair<string, object?> this[int index] => index switch
        {
            0 => new("A", _values[1]),
            1 => new("B", _values[0]),
            _ => new("{OriginalFormat}", _originalMessage),
        };

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
        {
            for (var i = 0; i < Count; i++)
            {
                yield return this[i];
            }
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }

    private sealed class StateType : ILogger
    {
        public Type? Type { get; private set; }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) => Type = typeof(TState);
    }
}
