using Microsoft.Extensions.Configuration.Json;

namespace ThreadedLogging.Collector;

/// <summary>
/// <c>--config &lt;file&gt;</c>: a JSON settings file of the operator's, where a service keeps its settings (say
/// <c>/etc/threadedlogging/collector.json</c>). The appsettings files beside the program are overwritten by every
/// publish, and were the only files read. It is read after them and before the environment and the command line, which
/// still win; a file that is not there or not JSON stops the start (exit code 2), naming it. It is read again when it
/// changes: new keys take effect without a restart (<see cref="Security.ApiKeyReload"/>); a later read that fails
/// (<see cref="TakeLoadErrors"/>) stops nothing and keeps the settings last read (<see cref="CheckedJsonSource"/>).
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

        // ReloadOnChange off: the framework's reload empties the settings when a read fails; the source watches the file itself.
        var source = new CheckedJsonSource { Path = full, FullPath = full, Switch = Switch, Optional = false, ReloadOnChange = false };
        source.ResolveFileProvider();
        try
        {
            sources.Insert(at, source);
        }
        catch (InvalidDataException e)
        {
            throw new CollectorConfigurationException($"Invalid collector configuration: the settings file '{full}' ({Switch}) is not a JSON object of settings: {e.GetBaseException().Message}", e);
        }

        // Read once: a later read that fails (IConfigurationRoot.Reload of a half-written file) must not throw.
        source.OnLoadException = failed => failed.Ignore = true;
    }

    /// <summary>Why each settings file could not be read since the last call, said once per failed read (<see cref="CheckedJsonSource.TakeLoadError"/>).</summary>
    public static IEnumerable<string> TakeLoadErrors(IConfiguration configuration) =>
        configuration is IConfigurationRoot root
            ? [.. root.Providers.OfType<FileConfigurationProvider>().Select(p => p.Source).OfType<CheckedJsonSource>().Select(s => s.TakeLoadError()).OfType<string>()]
            : [];

    /// <summary>Why each settings file none of whose settings are in force could not be read since the last call (<see cref="CheckedJsonSource.TakeNotInForce"/>).</summary>
    public static IEnumerable<string> TakeNotInForce(IConfiguration configuration) =>
        configuration is IConfigurationRoot root
            ? [.. root.Providers.OfType<FileConfigurationProvider>().Select(p => p.Source).OfType<CheckedJsonSource>().Select(s => s.TakeNotInForce()).OfType<string>()]
            : [];

    /// <summary>Each optional settings file found deleted since the last call, said once (<see cref="CheckedJsonSource.TakeGone"/>).</summary>
    public static IEnumerable<string> TakeGone(IConfiguration configuration) =>
        configuration is IConfigurationRoot root
            ? [.. root.Providers.OfType<FileConfigurationProvider>().Select(p => p.Source).OfType<CheckedJsonSource>().Select(s => s.TakeGone()).OfType<string>()]
            : [];

    /// <summary>Each optional settings file a change found still missing since the last call (<see cref="CheckedJsonSource.TakeStillMissing"/>).</summary>
    public static IEnumerable<string> TakeStillMissing(IConfiguration configuration) =>
        configuration is IConfigurationRoot root
            ? [.. root.Providers.OfType<FileConfigurationProvider>().Select(p => p.Source).OfType<CheckedJsonSource>().Select(s => s.TakeStillMissing()).OfType<string>()]
            : [];

    /// <summary>
    /// The file, read as the command line's provider reads the switch (any case, <c>--config x</c>, <c>--config=x</c>,
    /// <c>/config x</c>): a spelling it reads but this did not would be a file silently not read.
    /// </summary>
    private static string? PathIn(string[] args)
    {
        string? path;
        try
        {
            path = new ConfigurationBuilder().AddCommandLine(args).Build()[Key];
        }
        catch (FormatException)
        {
            return null; // the host's own reading of the command line says what is wrong with it
        }

        var bare = args.Length > 0 && (string.Equals(args[^1], Switch, StringComparison.OrdinalIgnoreCase) || string.Equals(args[^1], "/" + Key, StringComparison.OrdinalIgnoreCase));
        return path switch
        {
            null when !bare => null,
            null => throw new CollectorConfigurationException($"Invalid collector configuration: {Switch} needs a file (--config /etc/threadedlogging/collector.json)."),
            _ when string.IsNullOrWhiteSpace(path) || path.StartsWith("--", StringComparison.Ordinal) =>
                throw new CollectorConfigurationException($"Invalid collector configuration: {Switch} needs a file (--config /etc/threadedlogging/collector.json)."),
            _ => path,
        };
    }
}
