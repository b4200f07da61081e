using System.Net.Sockets;
using System.Security.Cryptography;
using ThreadedLogging.Collector.Security;

namespace ThreadedLogging.Collector;

/// <summary>
/// What Kestrel throws while it starts listening, said in one line naming the address or the setting: an address not on
/// this machine (a bare <see cref="SocketException"/>, exit code 3: an interface not up yet) and an https endpoint without a
/// certificate it can load (exit code 2: <c>--urls https://…</c> with none configured, a certificate or key file missing,
/// unreadable or not a certificate). Each was an unhandled exception: its stack trace and SIGABRT, exit code 134.
/// </summary>
internal static class StartFailure
{
    /// <summary>
    /// Starts <paramref name="app"/>; a start that fails stops what did start, then throws what <c>Program</c> reports
    /// (<see cref="Describe"/>, or the failure itself).
    /// </summary>
    /// <remarks>
    /// Without the stop the app was disposed with its background services running (the hosted services start before
    /// Kestrel, the last), and the host logs one whose task ends canceled while it is not stopping as Critical with the
    /// exception's stack ("A BackgroundService has thrown an unhandled exception"), the one line of its own CollectorApp's
    /// filter lets through: under load, when the thread pool had not yet run a service's ExecuteAsync (.NET 10's
    /// BackgroundService starts it with <c>Task.Run(…, stoppingToken)</c>, so the disposal's cancel ends it unstarted,
    /// canceled), the one-line exit came with ~10 more. A stop first is the host's own end of a background service, said
    /// by nobody.
    /// </remarks>
    public static async Task StartAsync(WebApplication app)
    {
        try
        {
            await app.StartAsync();
        }
        catch (Exception e)
        {
            await StopAfterFailedStartAsync(app);
            if (Describe(e, app.Configuration) is { } failure)
            {
                throw failure;
            }

            throw;
        }
    }

    /// <summary>Returns the exception <c>Program</c> reports for <paramref name="e"/>, thrown while the app started; null for one it does not know.</summary>
    public static Exception? Describe(Exception e, IConfiguration configuration)
    {
        var urls = ListenAddresses.Resolve(configuration) is { Count: > 0 } configured ? configured : [CollectorApp.DefaultUrl];
        var addresses = string.Join(", ", urls);
        if (e is SocketException socket)
        {
            return new CollectorUnavailableException(
                $"Cannot listen on {addresses}: {socket.Message} (an address not on this machine, or a port this user may not take); restarting may help (exit code 3)", e);
        }

        var https = urls.Exists(u => u.StartsWith("https:", StringComparison.OrdinalIgnoreCase));
        if (https && (e is CryptographicException or FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException
            || (e is InvalidOperationException && e.Message.Contains("HTTPS", StringComparison.Ordinal))))
        {
            var reason = e.Message.Split('\n', 2)[0].Trim();
            return new CollectorConfigurationException(
                $"Cannot serve https on {addresses}: {reason} Give the certificate as Kestrel:Endpoints:<name>:Certificate:Path (and :KeyPath for a PEM key, :Password for a .pfx); README, TLS.", e);
        }

        return null;
    }

    /// <summary>Stops the hosted services of a start that failed, within the host's ShutdownTimeout; what failed to start is what is said.</summary>
    private static async Task StopAfterFailedStartAsync(WebApplication app)
    {
        try
        {
            await app.StopAsync();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A service that fails to stop too: the host logged it (below the filter's Critical); the start's failure is the
            // exit's one line, and the disposal that follows ends the rest.
        }
    }
}
