using System.Data.Common;
using Microsoft.Extensions.Configuration.CommandLine;
using ThreadedLogging.Collector.Diagnostics;

namespace ThreadedLogging.Collector.Security;

/// <summary>
/// Review17: a key given on the command line (<c>--Collector:ReadApiKey=…</c>), or a PostgreSQL password in
/// <c>ConnectionStrings:Events</c> there, is readable by every local user (<c>/proc/PID/cmdline</c> is world-readable,
/// <c>ps</c> shows it), and a <c>--config</c> file holding keys at mode 0644 (a umask of 022 makes it so) is too; nothing
/// said so. At start one warning for each, naming the settings and the file, never a key or a password. A file readable
/// by its group is not warned about: 0640 with the service's own group is the way to share it with a deployment's user.
/// </summary>
internal static class SecretExposure
{
    /// <summary>The section whose values may hold a password (<c>ConnectionStrings:Events</c>).</summary>
    private const string ConnectionStrings = "ConnectionStrings";

    /// <summary>Logs a warning when a key or password comes from the command line, and one per <c>--config</c> file holding them that others can read.</summary>
    public static void Warn(ILogger logger, IConfiguration configuration)
    {
        if (configuration is not IConfigurationRoot root)
        {
            return;
        }

        var onCommandLine = root.Providers.OfType<CommandLineConfigurationProvider>().SelectMany(Secrets).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (onCommandLine.Count > 0)
        {
            CollectorLog.SecretsOnCommandLine(logger, string.Join(", ", onCommandLine.Select(s => "--" + s)));
        }

        if (OperatingSystem.IsWindows())
        {
            return;
        }

        foreach (var file in root.Providers.OfType<FileConfigurationProvider>())
        {
            if (file.Source is not CheckedJsonSource { Switch: not null, FullPath: { } path } source || !File.Exists(path))
            {
                continue;
            }

            var secrets = Secrets(file).ToList();
            var mode = File.GetUnixFileMode(path);
            if (secrets.Count > 0 && (mode & UnixFileMode.OtherRead) != 0)
            {
                var what = secrets.Any(s => s.StartsWith(ConnectionStrings, StringComparison.OrdinalIgnoreCase))
                    ? (secrets.All(s => s.StartsWith(ConnectionStrings, StringComparison.OrdinalIgnoreCase)) ? "a password" : "keys and a password")
                    : "keys";
                CollectorLog.SecretsFileReadable(logger, source.Describe(), what, Convert.ToString((int)mode & 0x1FF, 8).PadLeft(4, '0'));
            }
        }
    }

    /// <summary>The settings of <paramref name="provider"/> that hold a key, or a connection string with a password.</summary>
    private static IEnumerable<string> Secrets(IConfigurationProvider provider)
    {
        foreach (var name in KeySources.Settings)
        {
            var path = $"{CollectorOptions.SectionName}:{name}";
            if (provider.TryGet(path, out var value) && !string.IsNullOrEmpty(value))
            {
                yield return path;
            }

            foreach (var child in provider.GetChildKeys([], path).Distinct(StringComparer.OrdinalIgnoreCase))
            {
                if (provider.TryGet($"{path}:{child}", out var item) && !string.IsNullOrEmpty(item))
                {
                    yield return $"{path}:{child}";
                }
            }
        }

        foreach (var name in provider.GetChildKeys([], ConnectionStrings).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            var path = $"{ConnectionStrings}:{name}";
            if (provider.TryGet(path, out var value) && HasPassword(value))
            {
                yield return path;
            }
        }
    }

    /// <summary>Whether a connection string sets a password (Npgsql's <c>Password</c>, or <c>Pwd</c>).</summary>
    private static bool HasPassword(string? connectionString)
    {
        if (string.IsNullOrEmpty(connectionString))
        {
            return false;
        }

        try
        {
            var builder = new DbConnectionStringBuilder { ConnectionString = connectionString };
            return (builder.TryGetValue("Password", out var password) && !string.IsNullOrEmpty(password?.ToString()))
                || (builder.TryGetValue("Pwd", out var pwd) && !string.IsNullOrEmpty(pwd?.ToString()));
        }
        catch (ArgumentException)
        {
            // Not one the builder reads (the store's own check says so): a password may still be in it.
            return connectionString.Contains("password", StringComparison.OrdinalIgnoreCase)
                || connectionString.Contains("pwd", StringComparison.OrdinalIgnoreCase);
        }
    }
}
