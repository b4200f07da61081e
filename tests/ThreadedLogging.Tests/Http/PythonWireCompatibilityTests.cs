using System.Web;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Tests.Support;

namespace ThreadedLogging.Tests.Http;

/// <summary>CPython's own logging.handlers.HTTPHandler and ours, against the same loopback server.</summary>
public sealed class PythonWireCompatibilityTests
{
    private const string Message = "héllo wörld a+b=c & d/e ~!*()'\"%";

    private static readonly string[] OurExtras = ["user", "machine", "app", "revision"];

    [Theory]
    [InlineData("GET")]
    [InlineData("POST")]
    public async Task ThreadedHttpHandler_SameRecordAsCPython_SendsSameFieldsAndEncoding(string method)
    {
        await using var server = await LoopbackServer.StartAsync();
        var script = $$"""
            import logging, logging.handlers
            h = logging.handlers.HTTPHandler('{{server.Host}}', '/log/alice', method='{{method}}')
            log = logging.getLogger('payroll.export')
            log.propagate = False
            log.addHandler(h)
            log.setLevel(logging.DEBUG)
            log.warning({{PythonLiteral(Message)}})
            """;
        await PythonProcess.RunAsync(script);
        await server.WaitForRequestsAsync(1);

        await using (var handler = new ThreadedHttpHandler(SeedOptions(server, method)))
        {
            handler.CreateLogger("payroll.export").LogWarning(Message);
            Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        }

        await server.WaitForRequestsAsync(2);
        var (python, ours) = (server.Requests[0], server.Requests[1]);
        Assert.Equal(method, ours.Method);
        Assert.Equal(python.Method, ours.Method);
        Assert.Equal("/log/alice", python.Path);
        Assert.StartsWith("/log/", ours.Path, StringComparison.Ordinal);

        var pythonRaw = RawFields(python, method);
        var ourRaw = RawFields(ours, method);
        var pythonKeys = pythonRaw.Select(f => f.Key).ToList();
        var ourKeys = ourRaw.Select(f => f.Key).ToList();

        // Same fields in the same order (CPython 3.12+ adds taskName), plus our four.
        Assert.Equal(pythonKeys.Where(k => k != "taskName"), ourKeys.Where(k => !OurExtras.Contains(k)));
        Assert.Equal(OurExtras, ourKeys.Where(OurExtras.Contains));

        // Byte-identical encoding of the same values.
        foreach (var key in new[] { "name", "msg", "args", "levelname", "levelno", "exc_info", "exc_text", "stack_info" })
        {
            Assert.Equal(Raw(pythonRaw, key), Raw(ourRaw, key));
        }

        Assert.Matches("^[0-9a-f]{32}-1$", ours.Headers["Idempotency-Key"]); // instance id + sequence: a resend is stored once
        if (method == "POST")
        {
            Assert.Equal(python.Headers["Content-Type"], ours.Headers["Content-Type"]);
        }

        // Numbers look like Python's str(float) / str(int).
        var fields = HttpUtility.ParseQueryString(method == "GET" ? ours.RawQuery : ours.BodyText);
        Assert.Matches(@"^\d+\.\d+$", fields["created"]);
        Assert.Matches(@"^\d+\.0$", fields["msecs"]);
        Assert.Equal(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), fields["process"]);
    }

    [Fact]
    public async Task ThreadedHttpHandler_Exception_SendsTracebackInExcText()
    {
        await using var server = await LoopbackServer.StartAsync();
        await using (var handler = new ThreadedHttpHandler(SeedOptions(server, "POST")))
        {
            try
            {
                throw new InvalidOperationException("it's broken");
            }
            catch (InvalidOperationException e)
            {
                handler.CreateLogger("App").LogError(e, "Export failed for {Customer}", "ACME");
            }

            Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        }

        var fields = HttpUtility.ParseQueryString(server.Requests.Single().BodyText);
        Assert.Equal("Export failed for ACME", fields["msg"]);
        Assert.Equal("ERROR", fields["levelname"]);
        Assert.Equal("40", fields["levelno"]);
        Assert.Equal("(<class 'System.InvalidOperationException'>, InvalidOperationException('it\\'s broken'), None)", fields["exc_info"]);
        Assert.Contains("System.InvalidOperationException: it's broken", fields["exc_text"], StringComparison.Ordinal);
        Assert.Contains(nameof(ThreadedHttpHandler_Exception_SendsTracebackInExcText), fields["exc_text"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task SeedSignatures_NoFormatGiven_SendThePythonFormOneRequestPerEvent()
    {
        // The options' Format defaults to JsonBatch; the seed's ThreadedHttpHandler(host, url, method) and
        // AddThreadedHttp(host, url, method) keep the seed's wire format for receivers written for it.
        await using var server = await LoopbackServer.StartAsync();
        await using (var handler = new ThreadedHttpHandler(server.Host, "/log/{user}", "POST"))
        {
            handler.CreateLogger("Seed.Constructor").LogInformation("Paid {Employee}", "ann");
            handler.CreateLogger("Seed.Constructor").LogInformation("Paid {Employee}", "bob");
            Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        }

        using (var factory = LoggerFactory.Create(b => b.AddThreadedHttp(server.Host, "/log/{user}", "POST")))
        {
            factory.CreateLogger("Seed.Extension").LogWarning("Late {Employee}", "cid");
            factory.CreateLogger("Seed.Extension").LogWarning("Late {Employee}", "dan");
        }

        // Another test's unobserved task exception may be logged into these handlers too (crash capture is on): not counted.
        var seed = server.Requests.Select(r => (Request: r, Fields: HttpUtility.ParseQueryString(r.BodyText)))
            .Where(r => r.Fields["name"]?.StartsWith("Seed.", StringComparison.Ordinal) == true).ToList();
        Assert.All(seed, r => Assert.Equal("application/x-www-form-urlencoded", r.Request.Headers["Content-Type"]));
        Assert.Equal(["Paid ann", "Paid bob", "Late cid", "Late dan"], seed.Select(r => r.Fields["msg"]));
    }

    /// <summary>
    /// The seed's constructor's options (<c>ThreadedHttpHandler(host, "/log/{user}", method)</c>: PythonForm) but for crash
    /// capture: an unobserved task exception of another test, logged into every live handler, would be one more request
    /// than the test's.
    /// </summary>
    private static ThreadedHttpHandlerOptions SeedOptions(LoopbackServer server, string method) =>
        new() { Host = server.Host, Url = "/log/{user}", Method = method, Format = HttpLogFormat.PythonForm, CaptureUnhandledExceptions = false };

    private static List<KeyValuePair<string, string>> RawFields(RecordedRequest request, string method)
    {
        var text = method == "GET" ? request.RawQuery.TrimStart('?') : request.BodyText;
        return [.. text.Split('&').Select(pair => pair.Split('=', 2)).Select(p => new KeyValuePair<string, string>(p[0], p.Length > 1 ? p[1] : ""))];
    }

    private static string Raw(List<KeyValuePair<string, string>> fields, string key) => fields.Single(f => f.Key == key).Value;

    private static string PythonLiteral(string text) =>
        "'" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";
}
