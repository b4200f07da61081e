using System.Collections.Concurrent;

namespace ThreadedLogging.Tests.Http;

/// <summary>Security review: a key or credentials over plain http to another machine is warned about once, through the handler's own diagnostics.</summary>
public sealed class ClearTextCredentialsTests
{
    [Theory]
    [InlineData("192.0.2.10:5080", true, false, "ApiKey is sent in clear text to 192.0.2.10:5080")]
    [InlineData("logs.example.com", false, true, "Credentials are sent in clear text to logs.example.com")]
    [InlineData("[2001:db8::1]:5080", true, true, "ApiKey and Credentials are sent in clear text to [2001:db8::1]:5080")]
    public async Task Create_SecretOverPlainHttpOffLoopback_OneSelfLogLineNeverTheSecret(string host, bool apiKey, bool credentials, string expected)
    {
        var lines = await CreateAsync(host, secure: false, apiKey, credentials);

        var line = Assert.Single(lines);
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.Contains("Secure = true", line, StringComparison.Ordinal);
        Assert.DoesNotContain("the-secret", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("192.0.2.10:5080", true, true, true)] // https
    [InlineData("localhost:5080", false, true, true)]
    [InlineData("127.0.0.1:5080", false, true, false)]
    [InlineData("[::1]:5080", false, false, true)]
    [InlineData("192.0.2.10:5080", false, false, false)] // nothing secret
    public async Task Create_NoSecretInClearTextOffThisMachine_NoLine(string host, bool secure, bool apiKey, bool credentials) =>
        Assert.Empty(await CreateAsync(host, secure, apiKey, credentials));

    [Fact]
    public async Task Create_SecretOverPlainHttpOffLoopback_EventSourceWarnsToo()
    {
        using var listener = new Diagnostics.EventSourceTests.Listener(); // SelfLog is off by default: the EventSource is what a tool can read
        await CreateAsync("192.0.2.77:5080", secure: false, apiKey: true, credentials: false);
        await CreateAsync("127.0.0.1:5080", secure: false, apiKey: true, credentials: false);

        var warnings = listener.Events.Where(e => e.EventId == ThreadedLoggingEventSource.CredentialsInClearTextId).ToList();
        var warning = Assert.Single(warnings, e => (string)e.Payload![0]! == "192.0.2.77:5080");
        Assert.Equal(System.Diagnostics.Tracing.EventLevel.Warning, warning.Level);
        Assert.StartsWith("ApiKey is sent in clear text to 192.0.2.77:5080", (string)warning.Payload![1]!, StringComparison.Ordinal);
        Assert.DoesNotContain(warnings, e => (string)e.Payload![0]! == "127.0.0.1:5080");
    }

    /// <summary>Makes and disposes a handler (nothing is logged, so nothing is sent) and returns its self-log lines.</summary>
    private static async Task<List<string>> CreateAsync(string host, bool secure, bool apiKey, bool credentials)
    {
        var lines = new ConcurrentQueue<string>();
        var options = new ThreadedHttpHandlerOptions
        {
            CaptureUnhandledExceptions = false,
            Host = host,
            Secure = secure,
            ApiKey = apiKey ? "the-secret" : null,
            Credentials = credentials ? new HttpCredentials { UserName = "app", Password = "the-secret" } : null,
            LevelPollInterval = TimeSpan.Zero,
            SelfLog = lines.Enqueue,
        };
        await using (new ThreadedHttpHandler(options))
        {
        }

        return [.. lines];
    }
}
