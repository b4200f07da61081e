using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ThreadedLogging;

namespace Microsoft.Extensions.Logging;

/// <summary>
/// Registers <see cref="ThreadedAwsHandler"/> and <see cref="CloudLaunchHandler"/> with a logging builder.
/// Their options bind from <c>Logging:ThreadedAws</c> and <c>Logging:CloudLaunch</c>; the delegate runs after.
/// </summary>
public static class AwsLoggingBuilderExtensions
{
    private const string ThreadedAwsAlias = "ThreadedAws";
    private const string CloudLaunchAlias = "CloudLaunch";

    /// <summary>Adds a <see cref="ThreadedAwsHandler"/> configured from <c>Logging:ThreadedAws</c> and <paramref name="configure"/>.</summary>
    /// <param name="builder">The logging builder.</param>
    /// <param name="configure">Sets the queue, credentials, region and the rest; runs after configuration binding.</param>
    /// <returns>The builder.</returns>
    public static ILoggingBuilder AddThreadedAws(this ILoggingBuilder builder, Action<ThreadedAwsHandlerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ProviderRegistration.AddOptions<ThreadedAwsHandlerOptions, ThreadedAwsHandler>(builder, ThreadedAwsAlias, configure);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ILoggerProvider, ThreadedAwsHandler>(
            services => ProviderRegistration.Create<ThreadedAwsHandlerOptions, ThreadedAwsHandler>(services, ThreadedAwsAlias, options => new ThreadedAwsHandler(options))));
        return builder;
    }

    /// <summary>Adds a <see cref="ThreadedAwsHandler"/> for the queue <paramref name="queueName"/> with the given keys (the seed's arguments).</summary>
    /// <param name="builder">The logging builder.</param>
    /// <param name="accessKey">The AWS access key id.</param>
    /// <param name="secretAccessKey">The AWS secret access key.</param>
    /// <param name="queueName">The name of the queue.</param>
    /// <param name="revision">The deployment revision of the app.</param>
    /// <param name="configure">Sets region, service URL and the rest; runs after configuration binding.</param>
    /// <returns>The builder.</returns>
    public static ILoggingBuilder AddThreadedAws(
        this ILoggingBuilder builder, string accessKey, string secretAccessKey, string queueName, int revision = 0, Action<ThreadedAwsHandlerOptions>? configure = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(accessKey);
        ArgumentException.ThrowIfNullOrEmpty(secretAccessKey);
        ArgumentException.ThrowIfNullOrEmpty(queueName);
        return builder.AddThreadedAws(options =>
        {
            options.AccessKey = accessKey;
            options.SecretAccessKey = secretAccessKey;
            options.QueueName = queueName;
            options.Revision = revision;
            configure?.Invoke(options);
        });
    }

    /// <summary>Adds a <see cref="CloudLaunchHandler"/> for the app described by <paramref name="record"/>.</summary>
    /// <param name="builder">The logging builder.</param>
    /// <param name="record">The app's deployment record.</param>
    /// <param name="configure">Sets service URL, body format and pipeline options; runs after binding <c>Logging:CloudLaunch</c>.</param>
    /// <returns>The builder.</returns>
    public static ILoggingBuilder AddCloudLaunch(this ILoggingBuilder builder, CloudRecord record, Action<ThreadedAwsHandlerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(record);
        ProviderRegistration.AddOptions<ThreadedAwsHandlerOptions, CloudLaunchHandler>(builder, CloudLaunchAlias, configure);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ILoggerProvider, CloudLaunchHandler>(
            services => ProviderRegistration.Create<ThreadedAwsHandlerOptions, CloudLaunchHandler>(services, CloudLaunchAlias, options =>
            {
                CloudLaunchHandler.RefuseOverridden(options, record);
                return new CloudLaunchHandler(record, options);
            })));
        return builder;
    }

    /// <summary>Adds a <see cref="CloudLaunchHandler"/> for the app whose record is the JSON file <paramref name="recordPath"/>.</summary>
    /// <param name="builder">The logging builder.</param>
    /// <param name="recordPath">The record file (see <see cref="CloudRecord.Load"/>); read now.</param>
    /// <param name="configure">Sets service URL, body format and pipeline options.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a valid record.</exception>
    public static ILoggingBuilder AddCloudLaunch(this ILoggingBuilder builder, string recordPath, Action<ThreadedAwsHandlerOptions>? configure = null) =>
        builder.AddCloudLaunch(CloudRecord.Load(recordPath), configure);
}
