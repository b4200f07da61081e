using System.Globalization;
using System.Reflection;
using System.Runtime.Loader;
using ThreadedLogging.Delivery.Tests.Support;

namespace ThreadedLogging.Delivery.Tests;

/// <summary>
/// README's tables of the handlers' options ("Options and their defaults") against the options classes: every public
/// option is in the table of the class that declares it, with its real default as configuration writes it (a default
/// that a derived class changes, ThreadedHttp's BatchSize, too), and no row names an option that is gone. The same for
/// the collector's settings ("Settings and their defaults"), which its <c>--help</c> says README lists.
/// </summary>
public sealed class ReadmeOptionsTests
{
    [Fact]
    public void Readme_CollectorSettingsTable_ListsEverySettingWithItsDefault()
    {
        var collector = new CollectorLoadContext(Path.Combine(
            ChildProcess.RepositoryRoot, "src", "ThreadedLogging.Collector", "bin", ChildProcess.Configuration, "net10.0", "ThreadedLogging.Collector.dll")).Assembly;
        var settings = new Dictionary<string, object?>(StringComparer.Ordinal);
        AddSettings(collector.GetType("ThreadedLogging.Collector.CollectorOptions", throwOnError: true)!, "Collector", settings);

        // The sections under Collector that other parts bind (Sqs, Identity, Clef) and OtlpGrpcPort: the start's own list.
        var siblings = (System.Collections.IDictionary)collector.GetType("ThreadedLogging.Collector.CollectorSettingNames", throwOnError: true)!
            .GetField("Siblings", BindingFlags.NonPublic | BindingFlags.Static)!.GetValue(null)!;
        foreach (System.Collections.DictionaryEntry sibling in siblings)
        {
            if (sibling.Value is Type section)
            {
                AddSettings(section, "Collector:" + sibling.Key, settings);
            }
            else
            {
                settings["Collector:" + sibling.Key] = null;
            }
        }

        var rows = ReadTables(File.ReadAllText(Path.Combine(ChildProcess.RepositoryRoot, "README.md"))).GetValueOrDefault("`CollectorOptions`") ?? [];
        var problems = new List<string>();
        foreach (var (setting, value) in settings)
        {
            var expected = Written(value);
            if (!rows.TryGetValue(setting, out var cell))
            {
                problems.Add($"{setting} is not in README's table of the collector's settings");
            }
            else if (expected is null ? !cell.StartsWith("unset", StringComparison.Ordinal) : !cell.Contains("`" + expected + "`", StringComparison.Ordinal))
            {
                problems.Add($"{setting} defaults to {(expected is null ? "unset" : "`" + expected + "`")}; README says '{cell}'");
            }
        }

        problems.AddRange(rows.Keys.Where(row => !settings.ContainsKey(row)).Select(row => $"README's table of the collector's settings has {row}, which is no setting"));
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void Readme_OptionTables_ListEveryPublicOptionWithItsDefault()
    {
        var tables = ReadTables(File.ReadAllText(Path.Combine(ChildProcess.RepositoryRoot, "README.md")));
        var problems = new List<string>();
        var declared = new HashSet<(string Table, string Option)>();
        foreach (var type in new[] { typeof(ThreadedHandlerOptions), typeof(ThreadedHttpHandlerOptions), typeof(ThreadedAwsHandlerOptions) })
        {
            var defaults = Activator.CreateInstance(type)!;
            foreach (var option in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                var table = "`" + option.DeclaringType!.Name + "`";
                declared.Add((table, option.Name));
                if (!tables.TryGetValue(table, out var rows))
                {
                    problems.Add($"no table whose header names {table}");
                    continue;
                }

                if (!rows.TryGetValue(option.Name, out var cell))
                {
                    problems.Add($"{option.Name} ({type.Name}) is not in the table of {table}");
                    continue;
                }

                var expected = Written(option.GetValue(defaults));
                var documented = expected is null ? cell.StartsWith("unset", StringComparison.Ordinal) : cell.Contains("`" + expected + "`", StringComparison.Ordinal);
                if (!documented)
                {
                    problems.Add($"{option.Name} of {type.Name} defaults to {(expected is null ? "unset" : "`" + expected + "`")}; README says '{cell}'");
                }
            }
        }

        foreach (var (table, rows) in tables.Where(t => declared.Any(d => d.Table == t.Key))) // the collector's has a test of its own
        {
            problems.AddRange(rows.Keys.Where(option => !declared.Contains((table, option))).Select(option => $"{table}'s table has {option}, which is no public option of it"));
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems.Distinct()));
    }

    /// <summary>
    /// The settings of <paramref name="type"/> under <paramref name="path"/>, as the collector's start checks them
    /// (CollectorSettingNames): each publicly settable property, a section's own settings under its name, a list of
    /// sections' under <c>:0</c>; path → its default.
    /// </summary>
    private static void AddSettings(Type type, string path, Dictionary<string, object?> settings)
    {
        var defaults = Activator.CreateInstance(type, nonPublic: true)!;
        foreach (var setting in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod?.IsPublic == true))
        {
            var valueType = setting.PropertyType;
            var item = valueType.IsGenericType && valueType.GetGenericTypeDefinition() == typeof(List<>) ? valueType.GetGenericArguments()[0] : null;
            if (item is not null && item.IsClass && item != typeof(string))
            {
                AddSettings(item, $"{path}:{setting.Name}:0", settings);
            }
            else if (valueType.IsClass && valueType != typeof(string) && !valueType.IsGenericType)
            {
                AddSettings(valueType, $"{path}:{setting.Name}", settings);
            }
            else
            {
                settings[$"{path}:{setting.Name}"] = setting.GetValue(defaults);
            }
        }
    }

    /// <summary>A default as appsettings.json writes it; null when the option is unset (null, or an empty text).</summary>
    private static string? Written(object? value) => value switch
    {
        null or "" or System.Collections.ICollection { Count: 0 } => null,
        string text => text,
        TimeSpan span => span.ToString("c", CultureInfo.InvariantCulture),
        bool flag => flag ? "true" : "false",
        TimeProvider provider when ReferenceEquals(provider, TimeProvider.System) => "TimeProvider.System",
        IEnumerable<string> list => string.Join(", ", list),
        Enum named => named.ToString(),
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    /// <summary>README's tables whose header names a class in code (`…Options`): for each, option → its Default cell.</summary>
    private static Dictionary<string, Dictionary<string, string>> ReadTables(string markdown)
    {
        var tables = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        Dictionary<string, string>? rows = null;
        foreach (var line in markdown.ReplaceLineEndings("\n").Split('\n'))
        {
            if (!line.StartsWith('|'))
            {
                rows = null;
                continue;
            }

            var cells = line.Trim('|').Split('|').Select(c => c.Trim()).ToArray();
            var header = System.Text.RegularExpressions.Regex.Match(cells[0], @"`(\w+Options)`");
            if (rows is null && header.Success)
            {
                tables[header.Groups[0].Value] = rows = new Dictionary<string, string>(StringComparer.Ordinal);
            }
            else if (rows is not null && cells[0].StartsWith('`') && cells.Length >= 2)
            {
                rows[cells[0].Trim('`')] = cells[1];
            }
        }

        return tables;
    }

    /// <summary>The collector's assembly with its own dependencies (it is built, not referenced, by this project).</summary>
    private sealed class CollectorLoadContext : AssemblyLoadContext
    {
        private readonly AssemblyDependencyResolver _resolver;

        public CollectorLoadContext(string path)
            : base("collector")
        {
            _resolver = new AssemblyDependencyResolver(path);
            Assembly = LoadFromAssemblyPath(path);
        }

        public Assembly Assembly { get; }

        protected override Assembly? Load(AssemblyName assemblyName) =>
            _resolver.ResolveAssemblyToPath(assemblyName) is { } path ? LoadFromAssemblyPath(path) : null; // else the framework's
    }
}
