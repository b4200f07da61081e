using ThreadedLogging.Collector;

// The whole app is built by CollectorApp.Build (which ends in MapIngest, MapQuery, MapSupportUi) so that
// tests start exactly this app on a real Kestrel.
try
{
    if (args is [BackupCommand.Name, .. var rest])
    {
        return BackupCommand.Run(rest, Console.Out, Console.Error);
    }

    await using var app = CollectorApp.Build(args);
    await app.RunAsync();
    return 0;
}
catch (CollectorConfigurationException e)
{
    await Console.Error.WriteLineAsync(e.Message);
    return 2;
}
