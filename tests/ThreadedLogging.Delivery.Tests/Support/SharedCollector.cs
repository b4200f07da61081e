using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ThreadedLogging.Delivery.Tests.Support;

/// <summary>One collector process for a test class (a class fixture); each test logs as its own user.</summary>
public sealed class SharedCollector : IAsyncLifetime
{
    private readonly CollectorProcess _process = new();

    public Task InitializeAsync() => _process.StartAsync();

    public Task DisposeAsync() => _process.DisposeAsync().AsTask();

    /// <summary>Gets the collector's <c>host:port</c> on loopback.</summary>
    public string Host => _process.Host;

    /// <summary>Returns what the collector stored for <paramref name="user"/>, in the order the client sent it.</summary>
    public async Task<List<JsonElement>> EventsAsync(string user) =>
        [.. (await _process.EventsAsync(user)).OrderBy(e => e.GetProperty("sequence").GetInt64())];

    /// <summary>Logs into category <c>Values</c> of a real <see cref="ILoggerFactory"/> with AddThreadedHttp as <paramref name="user"/>, and returns what the collector stored.</summary>
    public Task<List<JsonElement>> LogAsync(string user, Action<ILogger> log) =>
        LogAsync(user, _ => { }, factory => log(factory.CreateLogger("Values")));

    /// <summary>
    /// Logs through a real <see cref="ILoggerFactory"/> set up by <paramref name="configure"/> and AddThreadedHttp as
    /// <paramref name="user"/>, flushes, and returns what the collector stored, in order.
    /// </summary>
    public async Task<List<JsonElement>> LogAsync(string user, Action<ILoggingBuilder> configure, Action<ILoggerFactory> log)
    {
        var services = new ServiceCollection().AddLogging(logging =>
        {
            configure(logging);
            logging.AddThreadedHttp(options =>
            {
                options.Host = _process.Host;
                options.Format = HttpLogFormat.JsonBatch;
                options.User = user;
                options.LevelPollInterval = TimeSpan.Zero;
            });
        });
        await using (var provider = services.BuildServiceProvider())
        {
            log(provider.GetRequiredService<ILoggerFactory>());
            Assert.True(provider.GetServices<ILoggerProvider>().OfType<ThreadedHttpHandler>().Single().Flush(TimeSpan.FromSeconds(30)));
        }

        return await EventsAsync(user);
    }
}
