using Microsoft.Extensions.Configuration.Json;

namespace ThreadedLogging.Collector;

/// <summary>
/// <c>--config &lt;file&gt;</c>: a JSON settings file of the operator's, where a service keeps its settings (say
/// <c>/etc/threadedlogging/collector.json</c>). The appsettings files beside the program are overwritten by every
/// publish, and were the only files read. It is read after them and before the environment and the command line, which
/// still win; a file that is not there or not JSON stops the start (exit code 2), naming it.
/// </summary>
internal static class ConfigFile
{
    /// <summary>The switch, as written on the command line.</summary>
    public const string Switch = "--config";

    /// <summary>The top-level key the command line gives the switch (it is no setting: the file's keys are).</summary>
    public const string Key = "config";

    /// <summary>Adds the file named by <see cref="Switch"/> in <paramref name="args"/>, if any, after the JSON sources already there.</summary>
    /// <exception cref="CollectorConfigurationException">The switch has no file, or the file is missing or not JSON.</exception>
    public static void Add(ConfigurationManager configuration, string[] args)
    {
        if (PathIn(args) is not { } path)
        {
            return;
        }

        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new CollectorConfigurationException($"Invalid collector configuration: the settings file '{full}' ({Switch}) does not exist.");
        }

        var sources = configuration.Sources;
        var at = 0;
        for (var i = 0; i < sources.Count; i++)
        {
            if (sources[i] is JsonConfigurationSource)
            {
                at = i + 1;
            }
        }

        var source = new JsonConfigurationSource { Path = full, Optional = false, ReloadOnChange = false };
        source.ResolveFileProvider();
        try
        {
            sources.Insert(at, source);
        }
        catch (InvalidDataException e)
        {
            throw new CollectorConfigurationException($"Invalid collector configuration: the settings file '{full}' ({Switch}) is not a JSON object of settings: {e.GetBaseException().Message}", e);
        }
    }

    private static string? PathIn(string[] args)
    {
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == Switch)
            {
                return i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal)
                    ? args[i + 1]
                    : throw new CollectorConfigurationException($"Invalid collector configuration: {Switch} needs a file (--config /etc/threadedlogging/collector.json).");
            }

            if (args[i].StartsWith(Switch + "=", StringComparison.Ordinal))
            {
                return args[i][(Switch.Length + 1)..];
            }
        }

        return null;
    }
}
