using System.Runtime.InteropServices;

namespace ThreadedLogging;

/// <summary>
/// A counter alone on its cache line: one that the callers write on every log call must not share a
/// line with what the worker writes, or with the fields every call reads.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 128)]
internal struct PaddedLong
{
    [FieldOffset(64)]
    public long Value;
}
