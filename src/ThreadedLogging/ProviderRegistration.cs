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
            .Configure<ILoggerProviderConfiguration<TProvider>>((options, provider) => provider.Configuration.Bind(options));
        if (configure is not null)
        {
            builder.Services.Configure(name, configure);
        }
    }

    /// <summary>The options named <paramref name="name"/>, as configured when first asked for.</summary>
    public static TOptions GetOptions<TOptions>(IServiceProvider services, string name)
        where TOptions : class => services.GetRequiredService<IOptionsMonitor<TOptions>>().Get(name);
}
