using ThreadedLogging.Collector.Alerts;
using ThreadedLogging.Collector.Diagnostics;
using ThreadedLogging.Collector.Erasure;
using ThreadedLogging.Collector.Ingest;
using ThreadedLogging.Collector.Ingest.Formats;
using ThreadedLogging.Collector.Ingest.Formats.Otlp.Grpc;
using ThreadedLogging.Collector.Ingest.Sqs;
using ThreadedLogging.Collector.Levels;
using ThreadedLogging.Collector.Query;
using ThreadedLogging.Collector.Responses;
using ThreadedLogging.Collector.Security;
using ThreadedLogging.Collector.Storage;
using ThreadedLogging.Collector.Web;

namespace ThreadedLogging.Collector;

/// <summary>Builds the collector: <c>dotnet run</c> and the tests start the same app.</summary>
internal static class CollectorApp
{
    /// <summary>Where the collector listens when no URL is configured.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5080";

    private static readonly Dictionary<string, string> SwitchMappings = new(StringComparer.Ordinal)
    {
        ["--data"] = $"{CollectorOptions.SectionName}:{nameof(CollectorOptions.DataDirectory)}",
    };

    /// <summary>Builds the app from command-line arguments, configuration files and the environment.</summary>
    /// <param name="args">The command line.</param>
    /// <param name="configureServices">Last changes to the services (tests wrap a real part to observe it); null for none.</param>
    /// <exception cref="CollectorConfigurationException">The configuration is invalid or unsafe.</exception>
    public static WebApplication Build(string[] args, Action<IServiceCollection>? configureServices = null)
    {
        var builder = CreateBuilder(args);
        var options = BindOptions(builder.Configuration);
        CheckedJsonSource.RemoveAfter(builder.Configuration, options.SettingsFileRemovedAfter);
        var urls = ListenAddresses.Resolve(builder.Configuration);
        if (urls.Count == 0)
        {
            builder.WebHost.UseUrls(DefaultUrl);
            urls = [DefaultUrl];
        }

        ListenAddresses.Check(urls);
        urls = builder.AddOtlpGrpc(urls, options);
        StartupSecurityCheck.Enforce(urls, options);

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // Our own reader enforces MaxRequestBodyBytes with a clear 413; Kestrel's limit is only a backstop.
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes + (64 * 1024);
            // Python's HTTPHandler with method GET puts the whole record, traceback included, in the URL.
            kestrel.Limits.MaxRequestLineSize = 128 * 1024;
            kestrel.Limits.MaxRequestHeadersTotalSize = 160 * 1024;
            // Issue 15 §1: a body that trickles is cut off (408) rather than kept open for hours.
            kestrel.Limits.MinRequestBodyDataRate = options.MinRequestBodyBytesPerSecond == 0
                ? null
                : new Microsoft.AspNetCore.Server.Kestrel.Core.MinDataRate(options.MinRequestBodyBytesPerSecond, TimeSpan.FromSeconds(5));
        });

        // Under systemd (its direct child, Type=notify): READY=1 once Kestrel listens and the store is open, STOPPING=1 at
        // SIGTERM, log lines with journald's priorities. Elsewhere it does nothing.
        builder.Services.AddSystemd();
        builder.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(options));
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(new ApiKeyRing(options));
        builder.Services.AddHostedService(services => ActivatorUtilities.CreateInstance<ApiKeyReload>(services, urls));
        builder.Services.AddSingleton<SessionStore>();
        builder.Services.AddSingleton<FailedSignIns>();
        builder.Services.AddSingleton<LiveStreamLimiter>();
        builder.Services.AddEventStore(builder.Configuration, options);
        builder.Services.AddSqsIngest(builder.Configuration);
        builder.Services.AddSingleton<IngestAdmission>();
        builder.Services.AddSingleton<BodyBudget>();
        builder.Services.AddSingleton<CollectorMetrics>();
        builder.Services.AddSingleton<IngestKeyRefusals>();
        builder.Services.AddSingleton<IngestRefusals>();
        builder.Services.AddMetricsExport(options.Metrics);
        builder.Services.AddPrometheusMetrics(options.Metrics);
        builder.Services.AddSingleton<IngestEndpoint>();
        builder.Services.AddSingleton<LevelRuleCache>();
        builder.Services.AddIngestFormats(builder.Configuration);
        builder.Services.AddAlerts();
        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.TypeInfoResolverChain.Insert(0, CollectorJsonContext.Default);
            // Escape HTML-sensitive characters (<, >, &, ') in every string the API returns.
            json.SerializerOptions.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Default;
        });

        configureServices?.Invoke(builder.Services);
        var app = builder.Build();
        _ = app.Services.GetRequiredService<CollectorMetrics>(); // its observable instruments exist from the start, not from the first ingest
        var security = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("ThreadedLogging.Collector.Security");
        StartupSecurityCheck.Warn(security, urls, options);
        KeySources.Log(security, builder.Configuration, options, urls);
        SecretExposure.Warn(security, builder.Configuration);
        app.UseServedPath(options);
        app.UseNoStoreNoSniff();
        app.UseUnservedRequests();
        if (KeylessRequestGuard.AppliesTo(options))
        {
            app.UseMiddleware<KeylessRequestGuard>(urls.All(ListenAddresses.IsLoopback));
        }

        // After the guard: a keyless collector on loopback refuses a proxied request by its X-Forwarded-For, which this consumes
        // (and only with keys: a keyless one has nothing it serves, TrustedProxies).
        app.UseTrustedProxies(options);

        // Outside the store's 503s: what those do not answer, an ingest endpoint answers in its format (never Kestrel's empty 500).
        app.UseIngestFailureAnswers();
        app.UseStoreUnavailableAnswers();

        app.MapHealth();
        app.MapPrometheusMetrics();
        app.MapIngest();
        app.MapIngestFormats();
        app.MapOtlpGrpc();
        app.MapSqsIngest();
        app.MapQuery();
        app.MapLevels();
        app.MapUserErasure();
        app.MapAlerts();
        app.MapSession();
        app.MapSupportUi();
        app.Lifetime.ApplicationStarted.Register(() => LogSupportPage(app, options.ServedPath));
        return app;
    }

    /// <summary>The collector's options as <see cref="Build"/> reads them (files, environment, command line), for a command that runs without the server.</summary>
    /// <exception cref="CollectorConfigurationException">The configuration is invalid.</exception>
    public static CollectorOptions ReadOptions(string[] args) => BindOptions(CreateBuilder(args).Configuration);

    /// <summary>The collector's options as they are now in <paramref name="configuration"/>, checked as at start (<see cref="ApiKeyReload"/>).</summary>
    /// <exception cref="CollectorConfigurationException">The configuration is invalid.</exception>
    public static CollectorOptions ReadOptions(IConfiguration configuration) => BindOptions(configuration);

    private static WebApplicationBuilder CreateBuilder(string[] args)
    {
        // appsettings.json is read from the build output, so `dotnet run` from any folder finds it;
        // relative paths (--data) still resolve against the current directory.
        WebApplicationBuilder builder;
        try
        {
            builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        }
        catch (InvalidDataException e)
        {
            // An appsettings file beside the program that is not JSON: was .NET's unhandled exception, its stack and SIGABRT (134).
            throw new CollectorConfigurationException($"Invalid collector configuration: {e.Message} {e.GetBaseException().Message}", e);
        }

        CheckedJsonSource.CheckRereads(builder.Configuration);
        ConfigFile.Add(builder.Configuration, args);
        builder.Configuration.AddCommandLine(args, SwitchMappings);
        // The host logs a start that failed with its whole stack trace (~60 lines) before Program says why in one line
        // (a store not reachable yet, a port in use). Its Critical line (a background service that stopped the host) stays;
        // a failure Program does not know still ends with .NET's own report of the unhandled exception.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
        return builder;
    }

    /// <summary>Says where the support page is, once Kestrel knows its real addresses (port 0 included).</summary>
    private static void LogSupportPage(WebApplication app, PathString pathBase)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("ThreadedLogging.Collector");
        var grpc = app.Services.GetService<OtlpGrpcOptions>();
        foreach (var url in app.Urls)
        {
            if (grpc is not null && url.EndsWith($":{grpc.Port}", StringComparison.Ordinal))
            {
                continue; // OTLP/gRPC only
            }

            Diagnostics.CollectorLog.SupportPageAt(logger, url.TrimEnd('/') + pathBase + "/");
        }
    }

    private static CollectorOptions BindOptions(IConfiguration configuration)
    {
        var section = configuration.GetSection(CollectorOptions.SectionName);

        // Names and values checked by us: the binder skips a misspelt name without a word, and refuses a value it
        // cannot convert in its own terms (then ours, which say how to write it, are the message).
        var errors = new List<string>();
        MisspeltSections.Check(configuration, errors);
        CollectorSettingNames.Check(section, errors);
        var options = new CollectorOptions();
        try
        {
            section.Bind(options);
            options.Alerts.BindRules(section);
        }
        catch (InvalidOperationException e)
        {
            throw new CollectorConfigurationException($"Invalid collector configuration: {(errors.Count > 0 ? string.Join(" ", errors) : e.Message)}", e);
        }

        // Environment-friendly form: Collector__IngestApiKeys="key1,key2".
        if (section[nameof(CollectorOptions.IngestApiKeys)] is { Length: > 0 } list)
        {
            options.IngestApiKeys = [.. list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
        }

        if (section[nameof(CollectorOptions.ReadApiKeys)] is { Length: > 0 } readKeys)
        {
            options.ReadApiKeys = [.. readKeys.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
        }

        if (section[nameof(CollectorOptions.AdminApiKeys)] is { Length: > 0 } adminKeys)
        {
            options.AdminApiKeys = [.. adminKeys.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
        }

        if (section[nameof(CollectorOptions.TrustedProxies)] is { Length: > 0 } proxies)
        {
            options.TrustedProxies = [.. proxies.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
        }

        if (section["Alerts:WebhookAllowedHosts"] is { Length: > 0 } hosts)
        {
            options.Alerts.WebhookAllowedHosts = [.. hosts.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
        }

        errors.AddRange(options.Validate());
        if (errors.Count > 0)
        {
            throw new CollectorConfigurationException("Invalid collector configuration: " + string.Join(" ", errors));
        }

        options.DataDirectory = Path.GetFullPath(options.DataDirectory);
        return options;
    }
}
