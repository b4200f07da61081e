using ThreadedLogging.Collector.Ingest.Formats.Python;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Ingest.Formats;

/// <summary>
/// <see cref="PythonTraceback"/> on a group's header without CPython's <c>  + </c> margin (review of 45dc723): the margin
/// was read up to a <c>+</c> that is not there, which threw, and a Python form with such an <c>exc_text</c> got a 500.
/// </summary>
public sealed class PythonTracebackTests
{
    [Theory]
    // A sub-exception's drawing as a part of its own: "    | " before the header, its frames and its own line.
    [InlineData("    | Exception Group Traceback (most recent call last):\n    |   File \"x.py\", line 3, in <module>\n    | ExceptionGroup: shard 1 (1 sub-exception)\n    +-+---------------- 1 ----------------\n      | TypeError: t\n      +------------------------------------",
        "shard 1 (1 sub-exception)")]
    // No drawing at all: the header, its frames, the group's line.
    [InlineData("Exception Group Traceback (most recent call last):\n  File \"x.py\", line 3, in <module>\nExceptionGroup: many (2 sub-exceptions)",
        "many (2 sub-exceptions)")]
    public void Chain_GroupHeaderWithoutPlus_TypeAndMessageOfTheGroupLine(string text, string message)
    {
        var raised = Assert.Single(PythonTraceback.Chain(text, null));

        Assert.Equal("ExceptionGroup", raised.Type);
        Assert.Equal(message, raised.Message);
    }

    [Fact]
    public async Task PythonForm_ChainEndingInGroupHeaderWithoutPlus_StoredWithTheGroupAndItsCause()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["name"] = "sync",
            ["msg"] = "Sync failed",
            ["levelno"] = "40",
            ["created"] = "1764000000.25",
            ["exc_info"] = "None",
            ["exc_text"] = "Traceback (most recent call last):\n  File \"x.py\", line 2, in <module>\nKeyError: 'shard'\n\n"
                + "The above exception was the direct cause of the following exception:\n\n"
                + "Exception Group Traceback (most recent call last):\n  File \"x.py\", line 4, in <module>\nExceptionGroup: sync failed (1 sub-exception)",
        });

        using var response = await collector.Client.PostAsync(new Uri("log/py", UriKind.Relative), form);

        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        var exception = Assert.Single(await collector.EventsAsync()).GetProperty("exception");
        Assert.Equal("ExceptionGroup", exception.GetProperty("type").GetString());
        Assert.Equal("sync failed (1 sub-exception)", exception.GetProperty("message").GetString());
        var cause = Assert.Single(exception.GetProperty("inner").EnumerateArray());
        Assert.Equal("KeyError", cause.GetProperty("type").GetString());
    }
}
