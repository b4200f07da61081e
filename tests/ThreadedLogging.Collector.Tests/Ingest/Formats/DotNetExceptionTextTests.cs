using System.Text.Json;
using ThreadedLogging.Collector.Ingest.Formats;

namespace ThreadedLogging.Collector.Tests.Ingest.Formats;

/// <summary>The text of a real .NET exception read back into the exception object (CLEF's <c>@x</c>, OTLP's stacktrace).</summary>
public sealed class DotNetExceptionTextTests
{
    [Fact]
    public void ToJson_AggregateWrappedInAnotherException_AggregateKeepsItsStackAndEveryInner()
    {
        var outer = WrappedAggregate();

        using var parsed = JsonDocument.Parse(DotNetExceptionText.ToJson(outer.ToString()));

        var exception = parsed.RootElement;
        Assert.Equal("System.InvalidOperationException", exception.GetProperty("type").GetString());
        Assert.Equal("payments failed", exception.GetProperty("message").GetString());
        Assert.Contains(nameof(WrappedAggregate), exception.GetProperty("stackTrace").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("WaitAll", exception.GetProperty("stackTrace").GetString(), StringComparison.Ordinal);
        var aggregate = Assert.Single(exception.GetProperty("inner").EnumerateArray());
        Assert.Equal("System.AggregateException", aggregate.GetProperty("type").GetString());
        Assert.Equal(outer.InnerException!.Message, aggregate.GetProperty("message").GetString());
        Assert.Contains("WaitAll", aggregate.GetProperty("stackTrace").GetString(), StringComparison.Ordinal);
        var inner = aggregate.GetProperty("inner");
        Assert.Equal(["System.InvalidOperationException: first", "System.ArgumentException: second"],
            inner.EnumerateArray().Select(e => e.GetProperty("type").GetString() + ": " + e.GetProperty("message").GetString()));
        Assert.Contains(nameof(Fail), inner[1].GetProperty("stackTrace").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("<---", inner[1].GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ToJson_AggregateInAnAggregatesFirstInner_EachKeepsItsOwnInners()
    {
        var outer = NestedAggregate();

        using var parsed = JsonDocument.Parse(DotNetExceptionText.ToJson(outer.ToString()));

        // The nested aggregate's "(Inner Exception #1) …second" is inside the outer's first inner text; "…third" is the outer's.
        var exception = parsed.RootElement;
        Assert.Equal("System.AggregateException", exception.GetProperty("type").GetString());
        Assert.Equal(outer.Message, exception.GetProperty("message").GetString());
        Assert.Contains("WaitAll", exception.GetProperty("stackTrace").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("Inner Exception", exception.GetProperty("stackTrace").GetString(), StringComparison.Ordinal);
        var inner = exception.GetProperty("inner");
        Assert.Equal(["System.AggregateException", "System.ArgumentException: third"],
            inner.EnumerateArray().Select(e => e.GetProperty("type").GetString() + (e.GetProperty("type").GetString() == "System.AggregateException" ? string.Empty : ": " + e.GetProperty("message").GetString())));
        Assert.Equal(["System.InvalidOperationException: first", "System.ArgumentException: second"],
            inner[0].GetProperty("inner").EnumerateArray().Select(e => e.GetProperty("type").GetString() + ": " + e.GetProperty("message").GetString()));
        Assert.DoesNotContain("third", inner[0].GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Contains(nameof(Fail), inner[1].GetProperty("stackTrace").GetString(), StringComparison.Ordinal);
    }

    private static AggregateException NestedAggregate()
    {
        try
        {
            Task.WaitAll(
                Task.Run(() => Task.WaitAll(Task.Run(() => Fail(new InvalidOperationException("first"))), Task.Run(() => Fail(new ArgumentException("second"))))),
                Task.Run(() => Fail(new ArgumentException("third"))));
            throw new InvalidOperationException("the tasks did not fail");
        }
        catch (AggregateException e)
        {
            return e;
        }
    }

    private static InvalidOperationException WrappedAggregate()
    {
        try
        {
            try
            {
                Task.WaitAll(Task.Run(() => Fail(new InvalidOperationException("first"))), Task.Run(() => Fail(new ArgumentException("second"))));
                throw new InvalidOperationException("the tasks did not fail");
            }
            catch (AggregateException e)
            {
                throw new InvalidOperationException("payments failed", e);
            }
        }
        catch (InvalidOperationException outer)
        {
            return outer;
        }
    }

    private static void Fail(Exception exception) => throw exception;
}
