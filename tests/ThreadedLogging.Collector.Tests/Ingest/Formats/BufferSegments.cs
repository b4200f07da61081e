using System.Buffers;

namespace ThreadedLogging.Collector.Tests.Ingest.Formats;

/// <summary>A body as a <see cref="ReadOnlySequence{T}"/> of several segments, cut where a test says (each segment its own array).</summary>
internal sealed class BufferSegments : ReadOnlySequenceSegment<byte>
{
    private BufferSegments(ReadOnlyMemory<byte> memory, long runningIndex)
    {
        Memory = memory;
        RunningIndex = runningIndex;
    }

    /// <summary><paramref name="bytes"/> cut at each of <paramref name="cuts"/> (ascending offsets; an empty segment where two are equal).</summary>
    public static ReadOnlySequence<byte> Split(byte[] bytes, params int[] cuts)
    {
        var from = 0;
        BufferSegments? first = null;
        BufferSegments? last = null;
        foreach (var end in cuts.Append(bytes.Length))
        {
            var segment = new BufferSegments(bytes[from..end], from);
            if (last is null)
            {
                first = segment;
            }
            else
            {
                last.Next = segment;
            }

            last = segment;
            from = end;
        }

        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }
}
