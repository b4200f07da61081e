using System.Globalization;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Tests.Support;

namespace ThreadedLogging.Tests.Formatting;

/// <summary>
/// MEL writes a message on the calling thread: a hole's value with the invariant culture, but each item of a logged
/// collection with the item's own <c>ToString()</c>, i.e. the calling thread's culture. The handler renders later on
/// its worker: the text must still be MEL's, whatever the caller's culture (an ASP.NET request localized to de-DE).
/// The expected text is MEL's own formatter's, called by the real LoggerFactory on the same thread.
/// </summary>
public sealed class MessageCultureTests
{
    public static TheoryData<string> Cultures => ["de-DE", "fr-FR", "sv-SE", "ar-SA", "en-US", ""];

    [Theory]
    [MemberData(nameof(Cultures))]
    public async Task Message_CallerCulture_MatchesMelsFormatterText(string culture)
    {
        var expected = new List<string>();
        var sink = new CollectingSink().Open();
        await using var handler = new ThreadedHandler(sink, new ThreadedHandlerOptions { CaptureUnhandledExceptions = false, Interval = TimeSpan.FromHours(1) });
        using (var factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new FormatterText(expected)).AddProvider(handler)))
        {
            var logger = factory.CreateLogger("Culture");
            var previous = CultureInfo.CurrentCulture;
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo(culture);
            try
            {
                LogEveryShape(logger);
            }
            finally
            {
                CultureInfo.CurrentCulture = previous;
            }
        }

        Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        var actual = sink.Delivered.Select(e => e.Message).ToList();
        Assert.Equal(expected.Count, actual.Count);
        Assert.Empty(expected.Zip(actual).Where(p => p.First != p.Second).Select(p => $"MEL: {p.First} | handler: {p.Second}"));
    }

    [Theory]
    [MemberData(nameof(Cultures))]
    public async Task Message_DictionaryWithARedactedEntry_OtherEntriesStayInTheCallersCulture(string culture)
    {
        // Redaction masks an entry in a copy of the logged dictionary: the copy lost the caller's culture, so under de-DE
        // '[amount, 1234,5]' became '[amount, 1234.5]' only in the events where a key was masked.
        var when = new DateTime(2026, 12, 2, 16, 51, 7, DateTimeKind.Utc);
        Dictionary<string, object?> Payment(string secret) => new() { ["amount"] = 1234.5, ["at"] = when, ["password"] = secret, ["fee"] = -0.25m };
        Dictionary<double, object?> ByPrice(string secret) => new() { [1.5] = "a", [-2.25] = new Dictionary<string, object?> { ["token"] = secret, ["limit"] = 2.5 } };
        var expected = new List<string>();
        var sink = new CollectingSink().Open();
        await using var handler = new ThreadedHandler(sink, new ThreadedHandlerOptions { CaptureUnhandledExceptions = false, Interval = TimeSpan.FromHours(1) });
        using (var mel = LoggerFactory.Create(b => b.AddProvider(new FormatterText(expected))))
        using (var factory = LoggerFactory.Create(b => b.AddProvider(handler)))
        {
            var previous = CultureInfo.CurrentCulture;
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo(culture);
            try
            {
                // MEL's own text of the call with the secret already masked: what the handler's message must read.
                mel.CreateLogger("Culture").LogInformation("paid {Payment} {Fee}", Payment(Redactor.Mask), 0.5);
                factory.CreateLogger("Culture").LogInformation("paid {Payment} {Fee}", Payment("hunter2"), 0.5);
                mel.CreateLogger("Culture").LogInformation("priced {Map}", ByPrice(Redactor.Mask));
                factory.CreateLogger("Culture").LogInformation("priced {Map}", ByPrice("hunter2"));
            }
            finally
            {
                CultureInfo.CurrentCulture = previous;
            }
        }

        Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        Assert.Equal(expected[0], sink.Delivered[0].Message);
        Assert.Equal(Redactor.Mask, ((Dictionary<string, object?>)sink.Delivered[0].Properties.Single(p => p.Key == "Payment").Value!)["password"]);
        Assert.DoesNotContain("hunter2", sink.Delivered[1].Message, StringComparison.Ordinal);

        // The masked inner dictionary shows its items where MEL shows its type's name (NestedText: a copy the redaction made
        // has no original text, since a collection's own text could show what was masked); what comes before reads as MEL's.
        var inner = expected[1].IndexOf("System.Collections", StringComparison.Ordinal);
        Assert.StartsWith(expected[1][..inner], sink.Delivered[1].Message, StringComparison.Ordinal);
        Assert.EndsWith("[token, ***], [limit, 2.5]]", sink.Delivered[1].Message, StringComparison.Ordinal);
    }

    private static void LogEveryShape(ILogger logger)
    {
        var when = new DateTime(2026, 12, 2, 16, 51, 7, DateTimeKind.Utc);
        logger.LogInformation("top {Double} {Decimal} {Float} {Negative} {When} {At} {Span}", 1234.5, 1234.5m, 1.25f, -5, when, new DateTimeOffset(when), TimeSpan.FromMinutes(-90));
        logger.LogInformation("formatted {Double:N2} {When:D} {Decimal,12:C}", 1234.5, when, 9.99m);
        logger.LogInformation("doubles {Items}", [new[] { 1.5, -2.25, 1e21 }]);
        logger.LogInformation("decimals {Items}", new List<decimal> { 1234.5m, -0.1m });
        logger.LogInformation("dates {Items}", new List<DateTime> { when, when.AddDays(40) });
        logger.LogInformation("offsets {Items}", [new[] { new DateTimeOffset(when) }]);
        logger.LogInformation("ints {Items}", [new[] { -1, 2, -3 }]);
        logger.LogInformation("longs and floats {Longs} {Floats}", new List<long> { -7 }, new[] { 0.5f });
        logger.LogInformation("mixed {Items}", [new object?[] { 1.5, "x", null, -4, when, 2.5m }]);
        logger.LogInformation("nullable {Items}", [new double?[] { 1.5, null }]);
        logger.LogInformation("dates only {Items}", [new[] { new DateOnly(2026, 12, 2) }]);
        logger.LogInformation("map {Map}", new Dictionary<string, double> { ["a"] = 1.5, ["b"] = -2 });
        logger.LogInformation("nested {Rows}", [new[] { new[] { 1.5 } }]);
        logger.LogInformation("money {Money} {Formatted:0.000}", new Money(1234.5m), new Money(2.5m));
        logger.LogInformation("monies {Items}", [new[] { new Money(1234.5m) }]);
        logger.LogInformation("priced {Map}", new Dictionary<string, Money> { ["a"] = new(1234.5m) });
        logger.LogInformation("dated {Map}", new Dictionary<string, object?> { ["at"] = when, ["n"] = null, ["s"] = "x" });
        logger.LogInformation("strings {Items} {Count}", new List<string> { "a", "b" }, 3);
        logger.LogInformation("plain ints {Items}", [new[] { 1, 2 }]);

        // Keys that are not text: MEL writes each entry as KeyValuePair does, the key's ToString() too (Serilog's
        // DictionaryValue.Render: key and value through the same format provider). The wire names them invariantly.
        logger.LogInformation("by price {Map}", new Dictionary<double, string> { [1234.5] = "a", [-0.25] = "b" });
        logger.LogInformation("by time {Map}", new Dictionary<DateTime, double> { [when] = 1.5 });
        logger.LogInformation("by offset {Map}", new SortedDictionary<DateTimeOffset, string?> { [new DateTimeOffset(when)] = null });
        logger.LogInformation("by id {Map}", new Dictionary<int, decimal> { [-3] = 2.5m, [7] = -1m });
        logger.LogInformation("by amount {Map}", new Dictionary<Money, int> { [new Money(1234.5m)] = 1 });
        logger.LogInformation("pairs {Pairs}", new List<KeyValuePair<decimal, DateTime>> { new(-1234.5m, when) });
        logger.LogInformation("readonly {Map}", (IReadOnlyDictionary<float, string>)new ReadOnlyKeyed(new Dictionary<float, string> { [0.5f] = "x" }));
    }

    /// <summary>A read-only dictionary that is no <see cref="System.Collections.IDictionary"/> (a sequence of key-value pairs).</summary>
    private sealed class ReadOnlyKeyed(Dictionary<float, string> inner) : IReadOnlyDictionary<float, string>
    {
        public int Count => inner.Count;

        public IEnumerable<float> Keys => inner.Keys;

        public IEnumerable<string> Values => inner.Values;

        public string this[float key] => inner[key];

        public bool ContainsKey(float key) => inner.ContainsKey(key);

        public bool TryGetValue(float key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out string value) => inner.TryGetValue(key, out value);

        public IEnumerator<KeyValuePair<float, string>> GetEnumerator() => inner.GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    /// <summary>A value type of the app's with a text of its own that follows the culture it is given.</summary>
    private sealed record Money(decimal Amount) : IFormattable
    {
        public override string ToString() => ToString(null, CultureInfo.CurrentCulture);

        public string ToString(string? format, IFormatProvider? formatProvider) => Amount.ToString(format ?? "N2", formatProvider) + " EUR";
    }

    /// <summary>Keeps MEL's own text of every call (the formatter MEL hands to each provider), in call order.</summary>
    private sealed class FormatterText(List<string> texts) : ILoggerProvider, ILogger
    {
        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            texts.Add(formatter(state, exception));

        public void Dispose()
        {
        }
    }
}
