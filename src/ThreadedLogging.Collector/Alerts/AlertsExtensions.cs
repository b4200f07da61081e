namespace ThreadedLogging.Collector.Alerts;

/// <summary>Registers alerts: the rules' evaluator, its webhook client and the background service.</summary>
internal static class AlertsExtensions
{
    public static IServiceCollection AddAlerts(this IServiceCollection services)
    {
        services.AddSingleton(provider => new AlertWebhook(AlertWebhook.DefaultTimeout, provider.GetRequiredService<CollectorOptions>().Alerts.Destinations));
        services.AddSingleton<AlertEvaluator>();
        services.AddHostedService<AlertService>();
        return services;
    }
}
