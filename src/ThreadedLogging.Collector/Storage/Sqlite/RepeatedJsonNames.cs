using System.Text;
using System.Text.Json;

namespace ThreadedLogging.Collector.Storage.Sqlite;

/// <summary>
/// Finds, while <see cref="PropertyText"/> reads one JSON text, a name given twice in one object, and drops the text of
/// its earlier value (nested values included): the index holds the last value only, as PostgreSQL's <c>jsonb</c> keeps
/// it and as the property filter reads it. Names compare after their escapes are read (<c>Order\u0049d</c> is
/// <c>OrderId</c>). An object's names are scanned while it has few; one with more gets a dictionary.
/// </summary>
internal sealed class RepeatedJsonNames
{
    private const int ScanLimit = 32;

    private readonly List<Member> _members = [];
    private readonly List<Frame> _frames = [];
    private readonly List<(int Start, int End)> _dropped = [];
    private byte[] _json = [];

    /// <summary>Clears what the last text left, to read <paramref name="json"/> (UTF-8) next.</summary>
    public void Start(byte[] json)
    {
        _members.Clear();
        _frames.Clear();
        _dropped.Clear();
        _json = json;
    }

    /// <summary>An object starts.</summary>
    public void Open() => _frames.Add(new Frame(_members.Count, -1, null));

    /// <summary>The innermost object ends: its names are forgotten.</summary>
    public void Close()
    {
        var frame = _frames[^1];
        _members.RemoveRange(frame.First, _members.Count - frame.First);
        _frames.RemoveAt(_frames.Count - 1);
    }

    /// <summary>A name of the innermost object at <paramref name="reader"/>; its value's text starts at <paramref name="textAt"/>.</summary>
    public void Name(ref Utf8JsonReader reader, int textAt)
    {
        var frame = _frames[^1];
        if (frame.Last >= 0)
        {
            _members[frame.Last] = _members[frame.Last] with { TextEnd = textAt };
        }

        var member = reader.ValueIsEscaped
            ? Member.Escaped(reader.GetString()!, textAt)
            : new Member((int)reader.TokenStartIndex + 1, reader.ValueSpan.Length, null, textAt, -1);
        var earlier = Find(frame, member);
        if (earlier >= 0)
        {
            _dropped.Add((_members[earlier].TextStart, _members[earlier].TextEnd));
            _members[earlier] = member;
            _frames[^1] = frame with { Last = earlier };
            return;
        }

        _members.Add(member);
        var index = frame.Index;
        if (index is not null)
        {
            index[NameOf(member)] = _members.Count - 1;
        }
        else if (_members.Count - frame.First > ScanLimit)
        {
            index = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = frame.First; i < _members.Count; i++)
            {
                index[NameOf(_members[i])] = i;
            }
        }

        _frames[^1] = frame with { Last = _members.Count - 1, Index = index };
    }

    /// <summary>
    /// Removes the text of the earlier values from the first <paramref name="length"/> bytes of <paramref name="text"/>,
    /// in one pass (a value given 40,000 times is one copy); returns the length left.
    /// </summary>
    public int DropEarlierValues(byte[] text, int length)
    {
        if (_dropped.Count == 0)
        {
            return length;
        }

        // Ranges are apart or one inside another (a value dropped within an object dropped as a whole). What is kept
        // moves towards the start, so copying in place never overwrites what is still to be read.
        _dropped.Sort((a, b) => a.Start.CompareTo(b.Start));
        var to = _dropped[0].Start;
        var at = to;
        foreach (var (start, end) in _dropped)
        {
            if (start > at)
            {
                text.AsSpan(at, start - at).CopyTo(text.AsSpan(to));
                to += start - at;
            }

            at = Math.Max(at, end);
        }

        text.AsSpan(at, length - at).CopyTo(text.AsSpan(to));
        return to + length - at;
    }

    private int Find(Frame frame, Member member)
    {
        if (frame.Index is not null)
        {
            return frame.Index.TryGetValue(NameOf(member), out var at) ? at : -1;
        }

        var name = Bytes(member);
        for (var i = frame.First; i < _members.Count; i++)
        {
            if (_members[i].NameLength == member.NameLength && Bytes(_members[i]).SequenceEqual(name))
            {
                return i;
            }
        }

        return -1;
    }

    private ReadOnlySpan<byte> Bytes(Member member) => member.Unescaped ?? _json.AsSpan(member.NameStart, member.NameLength);

    private string NameOf(Member member) => Encoding.UTF8.GetString(Bytes(member));

    /// <summary>A name (where its bytes are, or its bytes once unescaped), and where its value's text starts and ends (-1: not yet).</summary>
    private readonly record struct Member(int NameStart, int NameLength, byte[]? Unescaped, int TextStart, int TextEnd)
    {
        public static Member Escaped(string name, int textAt)
        {
            var bytes = Encoding.UTF8.GetBytes(name);
            return new Member(0, bytes.Length, bytes, textAt, -1);
        }
    }

    /// <summary>An open object: where its names start in the list, its last name (-1: none yet), and its dictionary once large.</summary>
    private readonly record struct Frame(int First, int Last, Dictionary<string, int>? Index);
}
