using Microsoft.Extensions.Configuration.CommandLine;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;

namespace ThreadedLogging.Collector;

/// <summary>
/// Refuses a top-level configuration key that is no section the collector (or ASP.NET Core's host) reads but within an
/// edit or two of one: <c>--Colector:Port=1</c> or <c>Colector__IngestApiKeys</c> started on the defaults without a word
/// (open ingest, data in ./data). Only where a key is surely meant for this program: the command line and
/// appsettings files, and in the environment (which every program shares) only a key with sections
/// (<c>Colector__Port</c>), never a plain variable such as <c>URL</c> or <c>LOGGING</c>. On the command line, which is
/// surely meant for this program, any key it does not know is refused (an adopter's <c>--dta /srv/logs</c> wrote to
/// <c>./data</c>).
/// </summary>
internal static class MisspeltSections
{
    /// <summary>The top-level keys read here and by the web host (<c>WebApplication</c>, Kestrel, logging, host filtering).</summary>
    private static readonly string[] Known =
    [
        CollectorOptions.SectionName, "ConnectionStrings", "Logging", "Kestrel", "AllowedHosts", "urls", "http_ports",
        "https_ports", "https_port", "environment", "contentRoot", "applicationName", "webroot", "detailedErrors",
        "shutdownTimeoutSeconds", "captureStartupErrors", "preventHostingStartup", "hostingStartupAssemblies",
        "hostingStartupExcludeAssemblies", "suppressStatusMessages", "PreferHostingUrls", "Metrics",
    ];

    /// <summary>Adds a reason for each misspelt top-level key, naming it, where it came from and the likely intended one.</summary>
    public static void Check(IConfiguration configuration, List<string> errors)
    {
        if (configuration is not IConfigurationRoot root)
        {
            return;
        }

        var said = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var provider in root.Providers)
        {
            var (source, sectionsOnly) = provider switch
            {
                CommandLineConfigurationProvider => ("the command line", false),
                JsonConfigurationProvider json => (FullPath(json.Source), false),
                EnvironmentVariablesConfigurationProvider => ("the environment", true),
                _ => (null, false),
            };
            if (source is null)
            {
                continue;
            }

            var commandLine = provider is CommandLineConfigurationProvider;
            foreach (var key in provider.GetChildKeys([], null).Distinct(StringComparer.OrdinalIgnoreCase))
            {
                var children = provider.GetChildKeys([], key).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
                var intended = Intended(key, commandLine);
                var unknown = intended is null && commandLine && !IsKnown(key, commandLine);
                if ((sectionsOnly && children.Count == 0) || (intended is null && !unknown) || !said.Add(key))
                {
                    continue;
                }

                var example = children.Count > 0 ? $"{key}:{children[0]}" : key;
                errors.Add(intended is not null
                    ? $"'{key}' ({example}, from {source}) is no section the collector reads: did you mean '{intended}'?"
                    : $"'--{example}' (from {source}) is no setting the collector reads (`ThreadedLogging.Collector --help` lists them).");
            }
        }
    }

    /// <summary>The collector's own switches, as the command line's provider names them (<c>--data</c> is mapped to its setting).</summary>
    private static readonly string[] Switches = ["data", ConfigFile.Key];

    /// <summary>The known key <paramref name="key"/> is a misspelling of, or null (known itself, or like none).</summary>
    /// <param name="key">A top-level key.</param>
    /// <param name="commandLine">Whether it came from the command line, where the collector's own switches are known too (and suggested as <c>--data</c>).</param>
    internal static string? Intended(string key, bool commandLine = false)
    {
        if (IsKnown(key, commandLine))
        {
            return null;
        }

        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var known in commandLine ? Known.Concat(Switches.Select(s => "--" + s)) : Known)
        {
            // Two edits in a long name; one in a short one, where two would make most short words look alike.
            var allowed = known.Length >= 6 ? 2 : 1;
            var distance = NearName.Distance(key.ToUpperInvariant(), known.TrimStart('-').ToUpperInvariant());
            if (distance <= allowed && distance < bestDistance)
            {
                (best, bestDistance) = (known, distance);
            }
        }

        return best;
    }

    /// <summary>The file's full path (a source resolved to its folder keeps only the file's name), so the operator knows which one.</summary>
    private static string FullPath(FileConfigurationSource source) =>
        source.Path is null ? "a JSON file"
        : source.FileProvider is PhysicalFileProvider folder ? Path.Combine(folder.Root, source.Path)
        : source.Path;

    private static bool IsKnown(string key, bool commandLine) =>
        Known.Contains(key, StringComparer.OrdinalIgnoreCase) || (commandLine && Switches.Contains(key, StringComparer.OrdinalIgnoreCase));
}
