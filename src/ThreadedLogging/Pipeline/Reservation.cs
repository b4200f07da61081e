namespace ThreadedLogging;

/// <summary>A range of a <see cref="RecordRing"/> a producer reserved to write its record in place (<see cref="RecordRing.TryReserve"/>).</summary>
internal readonly unsafe struct Reservation(long start, long end, byte* at)
{
    /// <summary>Gets the ring position of the record's first byte.</summary>
    public long Start { get; } = start;

    /// <summary>Gets the ring position just past the reservation.</summary>
    public long End { get; } = end;

    /// <summary>Gets the memory of the record's first byte.</summary>
    public byte* At { get; } = at;

    /// <summary>Gets the reserved bytes.</summary>
    public int Size => (int)(End - Start);
}
