using Microsoft.Extensions.DependencyInjection;
using ThreadedLogging;

namespace Microsoft.Extensions.Logging;

/// <summary>Registers a <see cref="ThreadedHandler"/> that runs another provider on the background worker.</summary>
public static class ThreadedLoggingBuilderExtensions
{
    private static int s_registrations;

    /// <summary>
    /// Adds <paramref name="createInner"/>'s provider wrapped in a <see cref="ThreadedHandler"/> (options from
    /// <c>Logging:Threaded</c> and <paramref name="configure"/>), so it never holds the caller. Each call adds a
    /// handler of its own, with options of its own: one call's <paramref name="configure"/> never reaches another's handler.
    /// </summary>
    /// <param name="builder">The logging builder.</param>
    /// <param name="createInner">Creates the provider to wrap; the handler owns it (and disposes it too when the options are refused at start).</param>
    /// <param name="configure">Sets options in code, after configuration.</param>
    /// <returns>The builder.</returns>
    public static ILoggingBuilder AddThreaded(this ILoggingBuilder builder, Func<IServiceProvider, ILoggerProvider> createInner, Action<ThreadedHandlerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(createInner);
        // Not TryAddEnumerable: several providers may be wrapped, each in its own handler with its own named options.
        var name = "Threaded#" + Interlocked.Increment(ref s_registrations).ToString(System.Globalization.CultureInfo.InvariantCulture);
        ProviderRegistration.AddOptions<ThreadedHandlerOptions, ThreadedHandler>(builder, name, configure);
        builder.Services.AddSingleton<ILoggerProvider>(services =>
            ProviderRegistration.Create<ThreadedHandlerOptions, ThreadedHandler>(services, name, options => Wrap(createInner(services), options)));
        return builder;
    }

    /// <summary>
    /// The handler around <paramref name="inner"/>, or, when the options are refused, <paramref name="inner"/> disposed
    /// before the exception goes on: it was handed over to the handler, so nobody else would dispose it.
    /// </summary>
    private static ThreadedHandler Wrap(ILoggerProvider inner, ThreadedHandlerOptions options)
    {
        try
        {
            return new ThreadedHandler(inner, options);
        }
        catch
        {
            inner.Dispose();
            throw;
        }
    }

    /// <summary>Adds <paramref name="inner"/> wrapped in a <see cref="ThreadedHandler"/>.</summary>
    /// <param name="builder">The logging builder.</param>
    /// <param name="inner">The provider to wrap; the handler owns it (and disposes it too when the options are refused at start).</param>
    /// <param name="configure">Sets options in code, after configuration.</param>
    /// <returns>The builder.</returns>
    public static ILoggingBuilder AddThreaded(this ILoggingBuilder builder, ILoggerProvider inner, Action<ThreadedHandlerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        return builder.AddThreaded(_ => inner, configure);
    }
}
