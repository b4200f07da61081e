using System.Net.Sockets;
using ThreadedLogging.Collector;

// The whole app is built by CollectorApp.Build (which ends in MapIngest, MapQuery, MapSupportUi) so that
// tests start exactly this app on a real Kestrel.
// Exit codes: 0 stopped; 2 a configuration it refuses (restarting cannot help); 3 something it needs cannot be reached
// now (restarting may help); the backup command's own (BackupCommand).
try
{
    if (CommandLineHelp.IsRequested(args))
    {
        await Console.Out.WriteLineAsync(CommandLineHelp.Text);
        return 0;
    }

    if (args is [BackupCommand.Name, .. var rest])
    {
        return BackupCommand.Run(rest, Console.Out, Console.Error);
    }

    await using var app = CollectorApp.Build(args);
    await StartFailure.StartAsync(app); // a start that fails: an address not on this machine, an https endpoint without a certificate: one line, exit 3 or 2
    await app.WaitForShutdownAsync();
    return 0;
}
catch (CollectorConfigurationException e)
{
    await Console.Error.WriteLineAsync(e.Message);
    return 2;
}
catch (CollectorUnavailableException e)
{
    await Console.Error.WriteLineAsync(e.Message);
    return 3;
}
catch (IOException e) when (e.GetBaseException() is SocketException)
{
    // Kestrel's bind (an address in use or not on this machine): "Failed to bind to address http://127.0.0.1:5080: address already in use."
    // In use, the likeliest at a first start (another collector, another app on 5080): say how to take another port.
    var inUse = e.GetBaseException() is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse }
        ? "; another process listens there: stop it, or give this one another address, --urls http://127.0.0.1:5081 (after -- with dotnet run)"
        : string.Empty;
    await Console.Error.WriteLineAsync($"Cannot listen: {e.Message} ({e.GetBaseException().Message}){inUse}");
    return 3;
}
