using System.Runtime.CompilerServices;

namespace ThreadedLogging.Collector.Ingest.Formats.Otlp;

/// <summary>An event's user, app, version and machine, by kind (<see cref="IdentityPropertyOptions.UserKind"/>…): inline, no array per record.</summary>
[InlineArray(4)]
internal struct OtlpIdentity
{
    private string? _first;
}
