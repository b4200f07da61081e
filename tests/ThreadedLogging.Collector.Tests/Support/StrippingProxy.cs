using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace ThreadedLogging.Collector.Tests.Support;

/// <summary>
/// A reverse proxy on loopback (a real Kestrel) that serves a collector under a prefix and strips it, as nginx's
/// <c>location /logs/ { proxy_pass http://127.0.0.1:5080/; }</c> does: <c>/logs/api/users</c> is asked of the collector as
/// <c>/api/users</c>, with the collector's host (nginx's default <c>Host</c>), headers and body passed on both ways and the
/// answer streamed (the live tail). Anything outside the prefix is 404 here, never the collector's.
/// </summary>
internal sealed class StrippingProxy : IAsyncDisposable
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Connection", "Keep-Alive", "Transfer-Encoding", "TE", "Trailer", "Upgrade", "Proxy-Connection", "Content-Length",
    };

    private readonly WebApplication _app;
    private readonly PathString _prefix;
    private readonly HttpClient _upstream = new(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false, UseProxy = false });

    private StrippingProxy(WebApplication app, PathString prefix)
    {
        _app = app;
        _prefix = prefix;
    }

    /// <summary>Gets or sets the collector's address (<c>http://127.0.0.1:port/</c>), set once it listens.</summary>
    public Uri? Upstream { get; set; }

    /// <summary>Gets the address browsers use, the prefix included: <c>http://127.0.0.1:port/logs/</c>.</summary>
    public Uri Address => new(_app.Urls.Single() + _prefix + "/");

    /// <summary>Gets the paths the browser asked of this proxy, in order.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> Asked { get; } = new();

    /// <summary>Starts the proxy on <c>http://127.0.0.1:0</c> serving under <paramref name="prefix"/> (<c>/logs</c>).</summary>
    public static async Task<StrippingProxy> StartAsync(string prefix)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var proxy = new StrippingProxy(app, new PathString(prefix));
        app.Run(proxy.ForwardAsync);
        await app.StartAsync();
        return proxy;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _upstream.Dispose();
    }

    private async Task ForwardAsync(HttpContext context)
    {
        var incoming = context.Request;
        Asked.Enqueue(incoming.Path + incoming.QueryString);
        if (!incoming.Path.StartsWithSegments(_prefix, out var rest) || Upstream is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var target = new Uri(Upstream, (rest.Value ?? string.Empty).TrimStart('/') + incoming.QueryString);
        using var request = new HttpRequestMessage(new HttpMethod(incoming.Method), target);
        if (incoming.ContentLength > 0 || incoming.Headers.TransferEncoding.Count > 0)
        {
            request.Content = new StreamContent(incoming.Body);
        }

        foreach (var (name, values) in incoming.Headers)
        {
            if (!HopByHop.Contains(name) && !request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                request.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        using var response = await _upstream.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            if (!HopByHop.Contains(name))
            {
                context.Response.Headers[name] = values.ToArray();
            }
        }

        if (response.Content.Headers.ContentLength is { } length)
        {
            context.Response.ContentLength = length;
        }

        await using var body = await response.Content.ReadAsStreamAsync(context.RequestAborted);
        await body.CopyToAsync(context.Response.Body, context.RequestAborted);
    }
}
