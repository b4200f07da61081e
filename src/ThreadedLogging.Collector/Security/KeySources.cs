using Microsoft.Extensions.Configuration.CommandLine;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using ThreadedLogging.Collector.Diagnostics;

namespace ThreadedLogging.Collector.Security;

/// <summary>
/// Says once at start where each role's keys were set: a key can come from appsettings.json, appsettings.{Environment}.json,
/// the <c>--config</c> file, the environment (systemd's keys file) or the command line, the later winning, and a key
/// rotated in a file under one set in the environment changes nothing (README, Security); without this line an operator
/// could not tell which of them is in force. It names each setting and its source, never a key nor any part of one;
/// a role without keys is said with what is open then. A reload of the keys (<see cref="ApiKeyReload"/>) says the same.
/// </summary>
internal static class KeySources
{
    /// <summary>The settings that hold ingest keys.</summary>
    private static readonly string[] IngestSettings = [nameof(CollectorOptions.IngestApiKeys)];

    /// <summary>The settings that hold read keys.</summary>
    private static readonly string[] ReadSettings = [nameof(CollectorOptions.ReadApiKey), nameof(CollectorOptions.ReadApiKeys)];

    /// <summary>The settings that hold admin keys.</summary>
    private static readonly string[] AdminSettings = [nameof(CollectorOptions.AdminApiKey), nameof(CollectorOptions.AdminApiKeys)];

    /// <summary>Gets every setting that holds keys, of every role (under <see cref="CollectorOptions.SectionName"/>).</summary>
    public static IReadOnlyList<string> Settings { get; } = [.. IngestSettings, .. ReadSettings, .. AdminSettings];

    /// <summary>Logs one line per role (ingest, read, admin), as the configuration is at start.</summary>
    public static void Log(ILogger logger, IConfiguration configuration, CollectorOptions options, IReadOnlyList<string> urls)
    {
        var (ingest, read, admin) = Describe(configuration, options, urls);
        CollectorLog.KeysFrom(logger, "Ingest", ingest);
        CollectorLog.KeysFrom(logger, "Read", read);
        CollectorLog.KeysFrom(logger, "Admin", admin);
    }

    /// <summary>
    /// Where each role's keys are set in <paramref name="configuration"/> as it is now (<paramref name="options"/> read
    /// from it), or what is open to whom when a role has none (<paramref name="urls"/>: where the collector listens).
    /// </summary>
    public static (string Ingest, string Read, string Admin) Describe(IConfiguration configuration, CollectorOptions options, IReadOnlyList<string> urls)
    {
        var root = configuration as IConfigurationRoot;
        var loopbackOnly = urls.All(ListenAddresses.IsLoopback);
        var open = loopbackOnly
            ? "clients on this machine only (listening on loopback)"
            : $"every client that reaches {string.Join(", ", urls.Where(u => !ListenAddresses.IsLoopback(u)))} (Collector:AllowUnauthenticated)";
        var anyKey = options.IngestApiKeys.Count > 0 || options.HasReadKey;
        return (
            Sources(root, configuration, IngestSettings) ?? $"none, ingest is open to {open}",
            Sources(root, configuration, ReadSettings) ?? $"none, reading (the query API, the support console) is open to {open}",
            Sources(root, configuration, AdminSettings) ?? (anyKey
                ? $"none, changes ({ApiKeyFilter.AdminChanges}) are refused to every key and session: set Collector:AdminApiKey"
                : $"none, changes ({ApiKeyFilter.AdminChanges}) are open to clients on this machine only"));
    }

    /// <summary>"Collector__IngestApiKeys (2 keys) from the environment; Collector:IngestApiKeys:2 from the settings file '…'", or null when none is set.</summary>
    private static string? Sources(IConfigurationRoot? root, IConfiguration configuration, string[] names)
    {
        var found = new List<string>();
        foreach (var name in names)
        {
            var path = $"{CollectorOptions.SectionName}:{name}";
            var setting = configuration.GetSection(path);
            if (!string.IsNullOrEmpty(setting.Value))
            {
                // One key, or (a list's setting given one value) a comma-separated list of keys, as the options read it.
                var count = name.EndsWith('s') ? setting.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Length : 1;
                found.Add(Where(root, path, count));
                continue;
            }

            found.AddRange(setting.GetChildren().Where(c => !string.IsNullOrEmpty(c.Value)).Select(c => Where(root, c.Path, 1)));
        }

        return found.Count == 0 ? null : string.Join("; ", found);
    }

    /// <summary>The setting as written in the source that set it (the last that has it wins), and that source.</summary>
    private static string Where(IConfigurationRoot? root, string path, int count)
    {
        var keys = count == 1 ? string.Empty : $" ({count} keys)";
        var provider = root?.Providers.LastOrDefault(p => p.TryGet(path, out _));
        path = provider is null ? path : AsWritten(provider, path);
        return provider switch
        {
            FileConfigurationProvider { Source: CheckedJsonSource file } => $"{path}{keys} from {file.Describe()}",
            FileConfigurationProvider file => $"{path}{keys} from the file '{file.Source.Path}'",
            EnvironmentVariablesConfigurationProvider environment => $"{PrefixOf(environment)}{path.Replace(":", "__", StringComparison.Ordinal)}{keys} from the environment",
            CommandLineConfigurationProvider => $"--{path}{keys} from the command line",
            null => $"{path}{keys}",
            _ => $"{path}{keys} from {provider.GetType().Name}",
        };
    }

    /// <summary>
    /// The setting's name in the case its source wrote it (the configuration's names ignore case): a variable
    /// COLLECTOR__INGESTAPIKEYS said as Collector__IngestApiKeys is not found by <c>env | grep</c> on Linux.
    /// </summary>
    private static string AsWritten(IConfigurationProvider provider, string path)
    {
        string? written = null;
        foreach (var segment in path.Split(':'))
        {
            var child = provider.GetChildKeys([], written).FirstOrDefault(c => string.Equals(c, segment, StringComparison.OrdinalIgnoreCase)) ?? segment;
            written = written is null ? child : $"{written}:{child}";
        }

        return written ?? path;
    }

    /// <summary>The prefix of the variables a provider reads ("DOTNET_"), from its ToString ("EnvironmentVariablesConfigurationProvider Prefix: 'DOTNET_'"), as it exposes no other.</summary>
    private static string PrefixOf(EnvironmentVariablesConfigurationProvider environment)
    {
        var text = environment.ToString();
        var at = text.IndexOf("Prefix: '", StringComparison.Ordinal);
        return at < 0 ? string.Empty : text[(at + "Prefix: '".Length)..].TrimEnd('\'');
    }
}
