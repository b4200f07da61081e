using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace ThreadedLogging.Benchmarks;

/// <summary>Median time relative to the peer (Serilog + Serilog.Sinks.Async) with the same job and parameters.</summary>
public sealed class RatioToPeerColumn : IColumn
{
    public string Id => nameof(RatioToPeerColumn);

    public string ColumnName => "vs Serilog";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => -1;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "median time / median time of the Serilog.Sinks.Async case with the same job and parameters";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
    {
        var peer = summary.BenchmarksCases.FirstOrDefault(c =>
            c.Descriptor.WorkloadMethod.Name == nameof(LogCallBenchmarks.SerilogAsync) &&
            c.Job.Id == benchmarkCase.Job.Id &&
            c.Parameters.DisplayInfo == benchmarkCase.Parameters.DisplayInfo);
        var mine = summary[benchmarkCase]?.ResultStatistics?.Median;
        var theirs = peer is null ? null : summary[peer]?.ResultStatistics?.Median;
        return mine is { } m && theirs is { } p && p > 0 ? (m / p).ToString("0.00", CultureInfo.InvariantCulture) : "?";
    }

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;
}
