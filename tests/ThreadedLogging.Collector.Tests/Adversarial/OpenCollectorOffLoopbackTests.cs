using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using ThreadedLogging.Collector.Security;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Adversarial;

/// <summary>
/// A collector opened to the network without keys (<c>Collector:AllowUnauthenticated</c>) took cross-site form posts and
/// let anyone on the network erase a user. Tests may listen on loopback only, so the request's remote address and the
/// listen addresses are what a context made here says (the real guard and filter, the real collector's services).
/// </summary>
public sealed class OpenCollectorOffLoopbackTests : IAsyncLifetime
{
    private CollectorFixture _collector = null!;

    public async Task InitializeAsync() => _collector = await CollectorFixture.StartAsync();

    public async Task DisposeAsync() => await _collector.DisposeAsync();

    [Theory]
    [InlineData("Origin: https://evil.example")]
    [InlineData("Sec-Fetch-Site: cross-site")]
    public async Task Guard_OffLoopbackCrossSitePost_403NamingTheSetting(string header)
    {
        var context = Context("POST", "/log/victim", "10.0.0.5", header);
        var reached = false;

        await new KeylessRequestGuard(_ => { reached = true; return Task.CompletedTask; }, loopbackOnly: false).InvokeAsync(context);

        Assert.False(reached);
        Assert.Equal(403, context.Response.StatusCode);
        Assert.Contains("Collector:AllowUnauthenticated", Body(context), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Host: logs.example.com")]
    [InlineData("X-Forwarded-For: 203.0.113.5")]
    public async Task Guard_OffLoopbackItsOwnNameOrAProxy_Passes(string header)
    {
        var context = Context("POST", "/log/alice", "10.0.0.5", header);
        var reached = false;

        await new KeylessRequestGuard(_ => { reached = true; return Task.CompletedTask; }, loopbackOnly: false).InvokeAsync(context);

        Assert.True(reached);
    }

    [Theory]
    [InlineData("10.0.0.5", 403)]
    [InlineData("::ffff:192.168.1.9", 403)]
    [InlineData("127.0.0.1", 200)]
    [InlineData("::1", 200)]
    [InlineData("::ffff:127.0.0.1", 200)]
    [InlineData("127.0.0.1", 403, "X-Forwarded-For: 203.0.113.5")] // a reverse proxy on this machine
    [InlineData("127.0.0.1", 403, "Via: 1.1 proxy")]
    public async Task AdminWithoutAnyKey_OnlyFromThisMachine(string remote, int expected, string? header = null)
    {
        var context = header is null ? Context("DELETE", "/api/users/victim", remote) : Context("DELETE", "/api/users/victim", remote, header);

        var result = await new ApiKeyFilter(ApiKeyRole.Admin).InvokeAsync(
            new DefaultEndpointFilterInvocationContext(context), _ => ValueTask.FromResult<object?>(Results.Ok()));

        var status = Assert.IsAssignableFrom<IStatusCodeHttpResult>(result).StatusCode;
        Assert.Equal(expected, status);
        if (expected == 403)
        {
            Assert.Contains("Collector:AdminApiKey", Assert.IsType<JsonHttpResult<Responses.ErrorResponse>>(result).Value!.Error, StringComparison.Ordinal);
        }
    }

    private DefaultHttpContext Context(string method, string path, string remote, params string[] headers)
    {
        var context = new DefaultHttpContext { RequestServices = _collector.Services };
        context.Request.Method = method;
        context.Request.Path = path;
        context.Request.Host = new HostString("10.0.0.1:5080");
        context.Connection.RemoteIpAddress = IPAddress.Parse(remote);
        context.Response.Body = new MemoryStream();
        foreach (var header in headers)
        {
            var colon = header.IndexOf(':', StringComparison.Ordinal);
            var (name, value) = (header[..colon], header[(colon + 1)..].Trim());
            if (name == "Host")
            {
                context.Request.Host = new HostString(value);
            }
            else
            {
                context.Request.Headers[name] = value;
            }
        }

        return context;
    }

    private static string Body(HttpContext context) => System.Text.Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray());
}
