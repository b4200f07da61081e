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

    [Theory]
    [InlineData(200, "application/json", true, SendOutcome.Sent, false)] // the collector's answer
    [InlineData(200, "application/problem+json", true, SendOutcome.Sent, false)]
    [InlineData(200, null, true, SendOutcome.Sent, false)] // nothing at all: a receiver that says only its status
    [InlineData(200, "text/html", true, SendOutcome.Transient, false)] // a captive portal's page: kept and sent again
    [InlineData(204, "text/plain", true, SendOutcome.Transient, false)]
    [InlineData(500, "application/json", true, SendOutcome.Transient, true)] // the collector failing on the request
    [InlineData(500, "text/html", true, SendOutcome.Transient, false)] // a proxy's "Unable to connect": an outage
    [InlineData(500, null, true, SendOutcome.Transient, false)]
    [InlineData(200, "text/html", false, SendOutcome.Sent, false)] // PythonForm: any 2xx, as Python's HTTPHandler
    [InlineData(500, "text/html", false, SendOutcome.Transient, true)]
    public void Classify_AnswerNotTheCollectors_OnItsOwnWire_AnOutage(int status, string? type, bool collectorsWire, SendOutcome expected, bool serverFault)
    {
        using var response = new HttpResponseMessage((HttpStatusCode)status) { Content = type is null ? new ByteArrayContent([]) : new StringContent("<html/>", System.Text.Encoding.UTF8, type) };
        var result = HttpBatchSink.Classify(response, Now, collectorsWire);
        Assert.Equal((expected, serverFault), (result.Outcome, result.ServerFault));
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
