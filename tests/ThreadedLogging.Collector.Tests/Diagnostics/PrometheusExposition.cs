using System.Globalization;

namespace ThreadedLogging.Collector.Tests.Diagnostics;

/// <summary>The samples of a Prometheus text exposition: <c>name{label="value",...} number</c> lines.</summary>
internal sealed class PrometheusExposition(string text)
{
    public string Text { get; } = text;

    /// <summary>The value of the one sample of <paramref name="name"/> that has all <paramref name="labels"/>; null if none has.</summary>
    public double? Value(string name, params (string Label, string Value)[] labels)
    {
        var matches = Samples(name).Where(s => labels.All(l => s.Labels.Contains($"{l.Label}=\"{l.Value}\"", StringComparison.Ordinal))).ToList();
        Assert.True(matches.Count <= 1, $"{matches.Count} samples of {name} match: {string.Join(" | ", matches.Select(m => m.Labels))}");
        return matches.Count == 0 ? null : matches[0].Value;
    }

    public bool Has(string name) => Samples(name).Any();

    private IEnumerable<(string Labels, double Value)> Samples(string name)
    {
        foreach (var line in Text.Split('\n'))
        {
            if (line.StartsWith('#') || !line.StartsWith(name, StringComparison.Ordinal) || line.Length == name.Length || line[name.Length] is not ('{' or ' '))
            {
                continue;
            }

            var space = line.LastIndexOf(' ');
            yield return (line[name.Length..space], double.Parse(line[(space + 1)..], CultureInfo.InvariantCulture));
        }
    }
}
