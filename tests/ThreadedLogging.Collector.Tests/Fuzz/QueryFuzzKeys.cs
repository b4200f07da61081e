namespace ThreadedLogging.Collector.Tests.Fuzz;

/// <summary>The keys the fuzzed collector runs with.</summary>
internal sealed record QueryFuzzKeys(string Ingest, string Read, string Admin);
