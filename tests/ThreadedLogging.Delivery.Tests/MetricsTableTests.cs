using System.Text.RegularExpressions;
using ThreadedLogging.Delivery.Tests.Support;

namespace ThreadedLogging.Delivery.Tests;

/// <summary>
/// docs/QUERY.md's table of what <c>GET /metrics</c> serves names every instrument of the collector's meter
/// (<c>CollectorMetrics</c>), by its Prometheus name (dots as underscores, then the unit's or a counter's suffix), and
/// no instrument that is gone: operators write their alerts and dashboards from it.
/// </summary>
public sealed partial class MetricsTableTests
{
    private const string Prefix = "threadedlogging_collector_";

    [Fact]
    public void Query_MetricsTable_NamesEveryInstrumentOfTheCollectorsMeter()
    {
        var source = File.ReadAllText(Path.Combine(ChildProcess.RepositoryRoot, "src", "ThreadedLogging.Collector", "Diagnostics", "CollectorMetrics.cs"));
        var instruments = InstrumentName().Matches(source).Select(m => m.Groups["name"].Value.Replace('.', '_')).Distinct().ToList();
        var query = File.ReadAllText(Path.Combine(ChildProcess.RepositoryRoot, "docs", "QUERY.md")).ReplaceLineEndings("\n");
        var named = query.Split('\n')
            .Where(line => line.StartsWith("| `", StringComparison.Ordinal))
            .SelectMany(line => InlineCode().Matches(line.Split('|')[1]).Select(m => m.Groups[1].Value.Replace("..._", Prefix, StringComparison.Ordinal)))
            .Where(name => name.StartsWith(Prefix, StringComparison.Ordinal))
            .ToList();

        Assert.NotEmpty(instruments);
        var problems = instruments.Where(instrument => !named.Any(name => name.StartsWith(instrument, StringComparison.Ordinal)))
            .Select(instrument => $"{instrument} is not in docs/QUERY.md's table of /metrics")
            .Concat(named.Where(name => !instruments.Any(instrument => name.StartsWith(instrument, StringComparison.Ordinal)))
                .Select(name => $"docs/QUERY.md's table of /metrics has {name}, which no instrument of CollectorMetrics makes"))
            .ToList();
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [GeneratedRegex(@"""(?<name>threadedlogging\.collector\.[a-z_.]+)""")]
    private static partial Regex InstrumentName();

    [GeneratedRegex(@"`([^`]+)`")]
    private static partial Regex InlineCode();
}
