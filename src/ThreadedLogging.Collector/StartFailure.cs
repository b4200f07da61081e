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
}
