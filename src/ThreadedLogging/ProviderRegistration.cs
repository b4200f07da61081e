using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Configuration;
using Microsoft.Extensions.Options;

namespace ThreadedLogging;

/// <summary>
/// The one way every <c>Add…</c> extension of the ThreadedLogging packages registers its options: named
/// options per provider (as MEL's own providers do), so two handlers never share one options object or
/// each other's <c>configure</c> delegates. The provider's configuration section
/// (<c>Logging:{alias}</c>, by its <see cref="ProviderAliasAttribute"/>) is bound first, then the delegate runs.
/// </summary>
internal static class ProviderRegistration
{
    /// <summary>Registers the options named <paramref name="name"/>: configuration of <typeparamref name="TProvider"/>, then <paramref name="configure"/>.</summary>
    public static void AddOptions<TOptions, TProvider>(ILoggingBuilder builder, string name, Action<TOptions>? configure)
        where TOptions : class
    {
        builder.AddConfiguration();
        builder.Services.AddOptions<TOptions>(name)
            .Configure<ILoggerProviderConfiguration<TProvider>>((options, provider) =>
            {
                RefuseUnknownKeys<TOptions, TProvider>(provider.Configuration);
                provider.Configuration.Bind(options);
            });
        if (configure is not null)
        {
            builder.Services.Configure(name, configure);
        }
    }

    /// <summary>
    /// Throws for a key of the provider's section that names no option: the binder ignores it, so a misspelt
    /// <c>BufferDirectroy</c> would leave the app without its spool, unsaid. MEL's own <c>LogLevel</c> (the provider's filter rules) is allowed.
    /// </summary>
    /// <exception cref="ArgumentException">A key names no option; the message names the key and the options.</exception>
    private static void RefuseUnknownKeys<TOptions, TProvider>(IConfiguration section)
    {
        var options = typeof(TOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => p.Name).Append("LogLevel");
        foreach (var key in section.GetChildren().Select(child => child.Key))
        {
            if (!options.Contains(key, StringComparer.OrdinalIgnoreCase))
            {
                var alias = typeof(TProvider).GetCustomAttribute<ProviderAliasAttribute>()?.Alias ?? typeof(TProvider).FullName;
                throw new ArgumentException(
                    $"Logging:{alias}:{key} is not an option of {typeof(TOptions).Name} (a misspelt name is not applied); the options are {string.Join(", ", options.Order(StringComparer.Ordinal))}.",
                    key);
            }
        }
    }

    /// <summary>The options named <paramref name="name"/>, as configured when first asked for.</summary>
    public static TOptions GetOptions<TOptions>(IServiceProvider services, string name)
        where TOptions : class => services.GetRequiredService<IOptionsMonitor<TOptions>>().Get(name);
}
