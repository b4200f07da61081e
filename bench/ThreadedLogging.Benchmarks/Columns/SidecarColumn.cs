using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace ThreadedLogging.Benchmarks;

/// <summary>A column read from the <see cref="Sidecar"/> file the benchmark process wrote.</summary>
public sealed class SidecarColumn(string name, string legend, Func<SidecarResult, string> format) : IColumn
{
    public string Id => nameof(SidecarColumn) + "." + name;

    public string ColumnName => name;

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => legend;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) =>
        Sidecar.Read(KeyOf(benchmarkCase)) is { } result ? format(result) : "?";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;

    internal static string KeyOf(BenchmarkCase benchmarkCase)
    {
        var threads = benchmarkCase.Parameters.Items.FirstOrDefault(p => p.Name == "Threads")?.Value is int t ? t : 1;
        return Sidecar.Key(benchmarkCase.Descriptor.WorkloadMethod.Name, threads, benchmarkCase.Job.Id);
    }
}
