using System.Net;
using System.Net.Http.Headers;

namespace ThreadedLogging.Tests.Http;

public sealed class ResponseClassificationTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(200, SendOutcome.Sent)]
    [InlineData(204, SendOutcome.Sent)]
    [InlineData(408, SendOutcome.Transient)]
    [InlineData(429, SendOutcome.Transient)]
    [InlineData(500, SendOutcome.Transient)]
    [InlineData(503, SendOutcome.Transient)]
    [InlineData(413, SendOutcome.TooLarge)]
    [InlineData(401, SendOutcome.Unauthorized)]
    [InlineData(403, SendOutcome.Unauthorized)]
    [InlineData(400, SendOutcome.Rejected)]
    [InlineData(422, SendOutcome.Rejected)]
    [InlineData(414, SendOutcome.Rejected)]
    [InlineData(404, SendOutcome.Refused)]
    [InlineData(405, SendOutcome.Refused)]
    [InlineData(410, SendOutcome.Refused)]
    [InlineData(415, SendOutcome.Refused)]
    [InlineData(301, SendOutcome.Refused)]
    [InlineData(308, SendOutcome.Refused)]
    public void Classify_Status_MapsToThePipelinePolicy(int status, SendOutcome expected)
    {
        using var response = new HttpResponseMessage((HttpStatusCode)status);
        Assert.Equal(expected, HttpBatchSink.Classify(response, Now).Outcome);
    }

    [Fact]
    public void Classify_RetryAfterSeconds_IsTheDelay()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        response.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(7));
        Assert.Equal(TimeSpan.FromSeconds(7), HttpBatchSink.Classify(response, Now).RetryAfter);
    }

    [Fact]
    public void Classify_RetryAfterHttpDate_IsMeasuredFromTheServersDate()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        response.Headers.Date = Now.AddHours(-1); // the server's clock differs from ours: its own Date counts
        response.Headers.RetryAfter = new RetryConditionHeaderValue(Now.AddHours(-1).AddSeconds(30));
        Assert.Equal(TimeSpan.FromSeconds(30), HttpBatchSink.Classify(response, Now).RetryAfter);

        using var noDate = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        noDate.Headers.RetryAfter = new RetryConditionHeaderValue(Now.AddSeconds(12));
        Assert.Equal(TimeSpan.FromSeconds(12), HttpBatchSink.Classify(noDate, Now).RetryAfter);
    }
}
