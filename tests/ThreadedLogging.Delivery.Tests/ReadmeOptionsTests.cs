using System.Globalization;
using System.Reflection;
using ThreadedLogging.Delivery.Tests.Support;

namespace ThreadedLogging.Delivery.Tests;

/// <summary>
/// README's tables of the handlers' options ("Options and their defaults") against the options classes: every public
/// option is in the table of the class that declares it, with its real default as configuration writes it (a default
/// that a derived class changes, ThreadedHttp's BatchSize, too), and no row names an option that is gone.
/// </summary>
public sealed class ReadmeOptionsTests
{
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

        foreach (var (table, rows) in tables)
        {
            problems.AddRange(rows.Keys.Where(option => !declared.Contains((table, option))).Select(option => $"{table}'s table has {option}, which is no public option of it"));
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems.Distinct()));
    }

    /// <summary>A default as appsettings.json writes it; null when the option is unset (null, or an empty text).</summary>
    private static string? Written(object? value) => value switch
    {
        null or "" => null,
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
}
