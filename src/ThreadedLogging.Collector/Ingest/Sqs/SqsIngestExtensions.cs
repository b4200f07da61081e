namespace ThreadedLogging.Collector.Ingest.Sqs;

/// <summary>Registers the SQS consumer when <c>Collector:Sqs:Queues</c> lists queues (the poison endpoint always).</summary>
internal static class SqsIngestExtensions
{
    /// <summary>Binds and validates <c>Collector:Sqs</c>; call after <c>AddEventStore</c> (the store opens first, and keeps the poison messages).</summary>
    /// <exception cref="CollectorConfigurationException">The section is invalid.</exception>
    public static IServiceCollection AddSqsIngest(this IServiceCollection services, IConfiguration configuration)
    {
        var options = new SqsIngestOptions();
        try
        {
            configuration.GetSection(SqsIngestOptions.SectionName).Bind(options);
        }
        catch (InvalidOperationException e)
        {
            throw new CollectorConfigurationException($"Invalid SQS ingest configuration: {e.Message}", e);
        }

        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new CollectorConfigurationException("Invalid collector configuration: " + string.Join(" ", errors));
        }

        services.AddSingleton(options);
        services.AddSingleton<SqsIngestStatistics>();
        if (options.Queues.Count > 0)
        {
            services.AddSingleton<SqsIngestService>();
            services.AddHostedService(sp => sp.GetRequiredService<SqsIngestService>());
        }

        return services;
    }
}
