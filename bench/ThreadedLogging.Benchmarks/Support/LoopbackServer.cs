using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ThreadedLogging.Benchmarks;

/// <summary>A Kestrel server on 127.0.0.1:0 that reads every request body and answers 200, so the worker really ships.</summary>
internal sealed class LoopbackServer : IDisposable
{
    private readonly WebApplication _app;
    private long _requests;

    private LoopbackServer(WebApplication app)
    {
        _app = app;
    }

    public string Host { get; private set; } = string.Empty;

    public long Requests => Interlocked.Read(ref _requests);

    public static LoopbackServer Start()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new LoopbackServer(app);
        app.Run(async context =>
        {
            if (HttpMethods.IsGet(context.Request.Method))
            {
                await context.Response.WriteAsync(server.Requests.ToString(System.Globalization.CultureInfo.InvariantCulture)); // ReceiverProcess asks
                return;
            }

            await context.Request.Body.CopyToAsync(Stream.Null);
            Interlocked.Increment(ref server._requests);
            context.Response.StatusCode = StatusCodes.Status200OK;
        });
        app.StartAsync().GetAwaiter().GetResult();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        server.Host = $"{address.Host}:{address.Port}";
        return server;
    }

    /// <summary>
    /// <c>--loopback-server</c>: serves in this process (started by <see cref="ReceiverProcess"/>), prints
    /// <c>LISTENING host:port</c>, and stops when its standard input closes (the benchmark's process ended).
    /// </summary>
    public static int Serve()
    {
        using var server = Start();
        Console.WriteLine(ReceiverProcess.ListeningPrefix + server.Host);
        Console.In.ReadToEnd();
        return 0;
    }

    public void Dispose()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        _app.StopAsync(stop.Token).GetAwaiter().GetResult();
        _app.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
