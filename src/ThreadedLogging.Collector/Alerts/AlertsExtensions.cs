namespace ThreadedLogging.Collector.Alerts;

/// <summary>Registers alerts: the rules' evaluator, its webhook client and the background service.</summary>
internal static class AlertsExtensions
{
    public static IServiceCollection AddAlerts(this IServiceCollection services)
    {
        services.AddSingleton(provider =>
        {
            var alerts = provider.GetRequiredService<CollectorOptions>().Alerts;
            return new AlertWebhook(AlertWebhook.DefaultTimeout, alerts.Destinations, alerts.Proxy, alerts.CertificateTrust);
        });
        services.AddSingleton<AlertEvaluator>();
        services.AddHostedService<AlertService>();
        return services;
    }
}
