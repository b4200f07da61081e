namespace ThreadedLogging.Collector.Tests.Fuzz;

/// <summary>Valid values read from the seeded collector, for the generator to send as they are or tampered.</summary>
internal sealed record QueryFuzzKnown(string[] TextValues, string[] EventIds, string[] EventCursors, string[] UserCursors, string StreamPosition);
