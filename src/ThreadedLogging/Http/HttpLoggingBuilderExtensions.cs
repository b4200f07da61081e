using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using ThreadedLogging;

namespace Microsoft.Extensions.Logging;

/// <summary>Registers <see cref="ThreadedHttpHandler"/> with a logging builder, like <c>AddConsole</c>.</summary>
public static class HttpLoggingBuilderExtensions
{
    private const string Alias = "ThreadedHttp";

    /// <summary>
    /// Adds a <see cref="ThreadedHttpHandler"/> configured from <c>Logging:ThreadedHttp</c> and <paramref name="configure"/>
    /// (named options <c>ThreadedHttp</c>; calling it again adds no second handler, its delegate runs after the first).
    /// </summary>
    /// <param name="builder">The logging builder.</param>
    /// <param name="configure">Sets options in code, after configuration.</param>
    /// <returns>The builder.</returns>
    public static ILoggingBuilder AddThreadedHttp(this ILoggingBuilder builder, Action<ThreadedHttpHandlerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ProviderRegistration.AddOptions<ThreadedHttpHandlerOptions, ThreadedHttpHandler>(builder, Alias, configure);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ILoggerProvider, ThreadedHttpHandler>(services =>
        {
            var handler = ProviderRegistration.Create<ThreadedHttpHandlerOptions, ThreadedHttpHandler>(services, Alias, options => new ThreadedHttpHandler(options));
            var filters = services.GetRequiredService<IOptionsMonitor<LoggerFilterOptions>>();
            handler.FilterLevel = category => FilterRuleLevel.For(filters.CurrentValue, category);
            handler.Subscribe(filters.OnChange(_ => handler.FilterRulesChanged())); // configuration reloaded
            return handler;
        }));

        // Issue 13: the handler's loggers receive every level, so that a collector's rule can lower the level; the
        // handler applies the app's filter rules itself until then (FilterRuleLevel, docs in README).
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<LoggerFilterOptions>, CatchAllFilterRule>());
        return builder;
    }

    /// <summary>
    /// Adds a <see cref="ThreadedHttpHandler"/> like the seed's <c>ThreadedHttpHandler(host, url, method)</c>, speaking the
    /// seed's wire format by default: <see cref="HttpLogFormat.PythonForm"/> (Python's <c>HTTPHandler</c>: one request per
    /// event, the rendered message only), for receivers written for the seed. That is a default only: a <c>Format</c> in
    /// <c>Logging:ThreadedHttp</c> or set by any <c>configure</c> delegate (another <c>AddThreadedHttp(o => o.Format = …)</c>,
    /// before or after this call) wins over it. Host, Url and Method are set in code, after configuration;
    /// <see cref="AddThreadedHttp(ILoggingBuilder, Action{ThreadedHttpHandlerOptions})"/> sends
    /// <see cref="HttpLogFormat.JsonBatch"/> by default.
    /// </summary>
    /// <param name="builder">The logging builder.</param>
    /// <param name="host">The server, <c>name:port</c>.</param>
    /// <param name="url">The path; may contain <c>{user}</c>, <c>{machine}</c>, <c>{app}</c>.</param>
    /// <param name="method"><c>GET</c> or <c>POST</c>.</param>
    /// <returns>The builder.</returns>
    public static ILoggingBuilder AddThreadedHttp(this ILoggingBuilder builder, string host, string url, string method = "GET")
    {
        builder.AddThreadedHttp(options =>
        {
            options.Host = host;
            options.Url = url;
            options.Method = method;
        });

        // PythonForm is this overload's default only: a Format from configuration or from any configure delegate wins, in
        // whichever order the Add… calls came. Set after the binding (e794dc6: when the section had no Format), it still
        // overrode an app's AddThreadedHttp(o => o.Format = JsonBatch) registered before this call, since configure
        // delegates run in the order they were registered. So it runs first, before the binding and every delegate, as
        // a property's initial value would: its IConfigureOptions goes before the first of this options type.
        var defaultFormat = ServiceDescriptor.Singleton<IConfigureOptions<ThreadedHttpHandlerOptions>>(
            new ConfigureNamedOptions<ThreadedHttpHandlerOptions>(Alias, options => options.Format = HttpLogFormat.PythonForm));
        var services = builder.Services;
        var first = 0;
        while (first < services.Count && services[first].ServiceType != typeof(IConfigureOptions<ThreadedHttpHandlerOptions>))
        {
            first++;
        }

        services.Insert(first, defaultFormat);
        return builder;
    }

    /// <summary>Adds <see cref="FilterRuleLevel.CatchAll"/> once, however often <c>AddThreadedHttp</c> is called.</summary>
    private sealed class CatchAllFilterRule : IConfigureOptions<LoggerFilterOptions>
    {
        public void Configure(LoggerFilterOptions options) => options.Rules.Add(FilterRuleLevel.CatchAll);
    }
}
