using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ThreadedLogging.Collector.Tests.Support;

/// <summary>
/// The real collector (<see cref="CollectorApp.Build"/>) on a real Kestrel at 127.0.0.1, port 0, with
/// its own data folder. StartAsync returns once the server listens (the host's started signal). What the collector logs
/// at Warning and above is kept (<see cref="Log"/>) and printed by a failed <see cref="GetJsonAsync"/>: a 500's body is
/// empty, its exception is in the log.
/// </summary>
internal sealed class CollectorFixture : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TempDirectory? _ownedDirectory;
    private readonly PostgresDatabase? _database;

    private CollectorFixture(WebApplication app, Uri baseAddress, string dataDirectory, TempDirectory? ownedDirectory, PostgresDatabase? database, CollectingLoggerProvider log)
    {
        _app = app;
        Log = log;
        _ownedDirectory = ownedDirectory;
        _database = database;
        BaseAddress = baseAddress;
        DataDirectory = dataDirectory;
        Client = new HttpClient { BaseAddress = baseAddress };
    }

    public Uri BaseAddress { get; }

    public string DataDirectory { get; }

    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>Gets what the collector logged at Warning and above since it was built.</summary>
    public CollectingLoggerProvider Log { get; }

    /// <summary>Gets the port OTLP/gRPC is served on (<see cref="StartWithOtlpGrpcAsync"/>); 0 when it is off.</summary>
    public int OtlpGrpcPort { get; private set; }

    public static Task<CollectorFixture> StartAsync(params string[] args) => StartCoreAsync(null, args, null, null);

    /// <summary>
    /// Starts on <paramref name="store"/>: on PostgreSQL in a database of its own, created here and dropped when the
    /// collector is disposed, or when its start fails.
    /// </summary>
    public static Task<CollectorFixture> StartOnAsync(TestStore store, params string[] args) => StartOnCoreAsync(store, args, null);

    /// <summary>Starts on <paramref name="store"/> with last changes to the services (a real part wrapped to observe it).</summary>
    public static Task<CollectorFixture> StartOnAsync(TestStore store, Action<IServiceCollection> configureServices, params string[] args) => StartOnCoreAsync(store, args, configureServices);

    /// <summary>
    /// Starts with OTLP/gRPC on a port of its own (<see cref="OtlpGrpcPort"/>). <c>Collector:OtlpGrpcPort</c> cannot be 0 (the
    /// port routes the gRPC service), so a free port is taken and released first: when another process took it in between,
    /// the start fails with "address in use" and is tried again on another port.
    /// </summary>
    public static Task<CollectorFixture> StartWithOtlpGrpcAsync(params string[] args) => StartWithOtlpGrpcAsync(null, args);

    /// <summary>Starts with OTLP/gRPC (<see cref="StartWithOtlpGrpcAsync(string[])"/>) and last changes to the services.</summary>
    public static async Task<CollectorFixture> StartWithOtlpGrpcAsync(Action<IServiceCollection>? configureServices, params string[] args)
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = FreeTcpPort.Next();
            try
            {
                var collector = await StartCoreAsync(null, [.. args, "--Collector:OtlpGrpcPort=" + port.ToString(System.Globalization.CultureInfo.InvariantCulture)], configureServices, null);
                collector.OtlpGrpcPort = port;
                return collector;
            }
            catch (IOException e) when (attempt < FreeTcpPort.Attempts && FreeTcpPort.IsAddressInUse(e))
            {
                // taken between FreeTcpPort and the bind: another port
            }
        }
    }

    /// <summary>Starts with last changes to the services (a real part wrapped to observe it).</summary>
    public static Task<CollectorFixture> StartAsync(Action<IServiceCollection> configureServices, params string[] args) => StartCoreAsync(null, args, configureServices, null);

    /// <summary>Starts on an existing data folder (a restart).</summary>
    public static Task<CollectorFixture> StartInAsync(string dataDirectory, params string[] args) => StartCoreAsync(dataDirectory, args, null, null);

    private static async Task<CollectorFixture> StartOnCoreAsync(TestStore store, string[] args, Action<IServiceCollection>? configureServices)
    {
        var database = store == TestStore.Postgres ? PostgresDatabase.Create() : null;
        try
        {
            return await StartCoreAsync(null, [.. args, .. database?.CollectorArguments ?? []], configureServices, database);
        }
        catch
        {
            if (database is not null)
            {
                await database.DisposeAsync();
            }

            throw;
        }
    }

    private static async Task<CollectorFixture> StartCoreAsync(string? dataDirectory, string[] args, Action<IServiceCollection>? configureServices, PostgresDatabase? database)
    {
        var owned = dataDirectory is null ? new TempDirectory() : null;
        var directory = dataDirectory ?? owned!.Path;
        string[] allArgs =
        [
            "--urls", "http://127.0.0.1:0",
            "--data", directory,
            "--Logging:LogLevel:Default=Warning",
            .. args,
        ];
        var log = new CollectingLoggerProvider();
        var app = CollectorApp.Build(allArgs, services =>
        {
            services.AddSingleton<ILoggerProvider>(log);
            configureServices?.Invoke(services);
        });
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync(); // a start that failed (a port taken) leaves nothing behind
            owned?.Dispose();
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new CollectorFixture(app, new Uri(address + "/"), directory, owned, database, log);
    }

    public async Task<JsonElement> GetJsonAsync(string relativeUrl)
    {
        using var response = await Client.GetAsync(new Uri(relativeUrl, UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {relativeUrl} -> {(int)response.StatusCode}: {text}{Environment.NewLine}The collector's log:{Environment.NewLine}{Log.Text()}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Events of a query (one page, up to 1000).</summary>
    public async Task<List<JsonElement>> EventsAsync(string query = "")
    {
        var separator = query.Length == 0 ? "?" : "&";
        var json = await GetJsonAsync("api/events" + (query.Length == 0 ? string.Empty : "?" + query) + separator + "limit=1000");
        return [.. json.GetProperty("events").EnumerateArray()];
    }

    public async Task<HttpResponseMessage> PostJsonAsync(string relativeUrl, object body, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(relativeUrl, UriKind.Relative))
        {
            Content = JsonContent.Create(body),
        };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return await Client.SendAsync(request);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _ownedDirectory?.Dispose();
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
