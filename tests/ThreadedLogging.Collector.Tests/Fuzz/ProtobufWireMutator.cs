namespace ThreadedLogging.Collector.Tests.Fuzz;

/// <summary>
/// Mutations of protobuf's wire format, knowing nothing of the schema: the body is read as a tree of fields (a
/// length-delimited payload that reads as a message is a nested message), changed, and written back with its
/// lengths made consistent again (unknown fields, duplicated / deleted / reordered fields, odd varints, wrong wire
/// types); then sometimes broken at the byte level (a length too large or too small, a varint cut short or too long).
/// </summary>
internal static class ProtobufWireMutator
{
    private static readonly ulong[] OddVarints = [0, 1, 0x7F, 0x80, int.MaxValue, 0x80000000, uint.MaxValue, long.MaxValue, 1UL << 63, ulong.MaxValue, 0xFFFFFFFFFFFFFFFE];

    public static byte[] Mutate(Random random, byte[] body)
    {
        var root = Parse(body, 0) ?? [];
        var all = new List<List<Field>> { root };
        Collect(root, all);
        var message = all[random.Next(all.Count)];
        var field = message.Count > 0 ? message[random.Next(message.Count)] : null;
        switch (random.Next(9))
        {
            case 0:
                message.Insert(random.Next(message.Count + 1), UnknownField(random));
                break;
            case 1 when field is not null:
                for (var n = Math.Min(Pick(random, [1, 2, 50, 3000]), (Mutator.MaxLength / 2) / (field.Payload.Length + 2)); n > 0; n--)
                {
                    message.Insert(message.IndexOf(field), field);
                }

                break;
            case 2 when field is not null:
                message.Remove(field);
                break;
            case 3 when field is not null:
                field.WireType = random.Next(8);
                break;
            case 4 when field is not null:
                field.Number = (int)Pick(random, [0U, 1U, 2U, 3U, 4U, 5U, 6U, 7U, 8U, 9U, 10U, 11U, 12U, 19U, 536870911U]);
                break;
            case 5 when field is not null:
                field.Children = null;
                field.Payload = field.WireType == 0 ? Varint(Pick(random, OddVarints)) : RandomBytes(random, Pick(random, [0, 1, 3, 8, 16, 17, 100]));
                break;
            case 6 when message.Count > 1:
                (message[0], message[^1]) = (message[^1], message[0]);
                break;
            default:
                break;
        }

        var writer = new Writer();
        writer.Write(root);
        var bytes = writer.Bytes.ToArray();
        return random.Next(3) == 0 ? BreakBytes(random, bytes, writer.Varints) : bytes;
    }

    /// <summary>A length made too large or too small, a varint cut at the end of the body, or one longer than 10 bytes.</summary>
    private static byte[] BreakBytes(Random random, byte[] bytes, List<(int Start, int End, bool IsLength)> varints)
    {
        if (varints.Count == 0)
        {
            return bytes;
        }

        var (start, end, isLength) = varints[random.Next(varints.Count)];
        switch (random.Next(4))
        {
            case 0 when isLength:
                var length = ReadVarint(bytes, start);
                var changed = Pick<ulong>(random, [length + 1, length - 1, 0x7FFFFFFF, 0xFFFFFFFF, 1UL << 35, ulong.MaxValue]);
                return Mutator.Replace(bytes, start, end - start, Varint(changed));
            case 1:
                var cut = bytes[..(start + 1)];
                cut[^1] |= 0x80;
                return cut;
            case 2:
                return Mutator.Replace(bytes, start, end - start, [.. Enumerable.Repeat((byte)0xFF, 10 + random.Next(3)), 0x01]);
            default:
                return bytes[..random.Next(bytes.Length + 1)];
        }
    }

    private static Field UnknownField(Random random)
    {
        var number = (int)Pick(random, [15U, 99U, 1000U, 19000U, 536870911U]);
        return random.Next(6) switch
        {
            0 => new Field(number, 0) { Payload = Varint(Pick(random, OddVarints)) },
            1 => new Field(number, 1) { Payload = RandomBytes(random, 8) },
            2 => new Field(number, 2) { Payload = RandomBytes(random, random.Next(40)) },
            3 => new Field(number, 5) { Payload = RandomBytes(random, 4) },
            4 => new Field(number, 3) { Payload = random.Next(2) == 0 ? [] : [.. Varint(((ulong)number << 3) | 4)] }, // a group, ended or not
            _ => new Field(number, 4) { Payload = [] }, // an end-group without its start
        };
    }

    private static List<Field>? Parse(ReadOnlySpan<byte> bytes, int depth)
    {
        var fields = new List<Field>();
        var at = 0;
        while (at < bytes.Length)
        {
            if (!TryVarint(bytes, ref at, out var tag) || tag >> 3 is 0 or > 536870911)
            {
                return null;
            }

            var field = new Field((int)(tag >> 3), (int)(tag & 7));
            var start = at;
            switch (field.WireType)
            {
                case 0:
                    if (!TryVarint(bytes, ref at, out _))
                    {
                        return null;
                    }

                    field.Payload = bytes[start..at].ToArray();
                    break;
                case 1 or 5:
                    at += field.WireType == 1 ? 8 : 4;
                    if (at > bytes.Length)
                    {
                        return null;
                    }

                    field.Payload = bytes[start..at].ToArray();
                    break;
                case 2:
                    if (!TryVarint(bytes, ref at, out var length) || length > (ulong)(bytes.Length - at))
                    {
                        return null;
                    }

                    var payload = bytes.Slice(at, (int)length);
                    at += (int)length;
                    field.Payload = payload.ToArray();
                    field.Children = depth < 12 && payload.Length > 0 ? Parse(payload, depth + 1) : null;
                    break;
                default:
                    return null;
            }

            fields.Add(field);
        }

        return fields;
    }

    private static void Collect(List<Field> message, List<List<Field>> all)
    {
        foreach (var field in message)
        {
            if (field.Children is { } children)
            {
                all.Add(children);
                Collect(children, all);
            }
        }
    }

    private static bool TryVarint(ReadOnlySpan<byte> bytes, ref int at, out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 64 && at < bytes.Length; shift += 7)
        {
            var b = bytes[at++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return true;
            }
        }

        return false;
    }

    private static ulong ReadVarint(byte[] bytes, int at) => TryVarint(bytes, ref at, out var value) ? value : 0;

    private static byte[] Varint(ulong value)
    {
        var bytes = new List<byte>();
        do
        {
            var b = (byte)(value & 0x7F);
            value >>= 7;
            bytes.Add(value == 0 ? b : (byte)(b | 0x80));
        }
        while (value != 0);
        return [.. bytes];
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private static T Pick<T>(Random random, T[] items) => items[random.Next(items.Length)];

    private sealed class Field(int number, int wireType)
    {
        public int Number { get; set; } = number;

        public int WireType { get; set; } = wireType;

        /// <summary>Gets or sets the bytes after the tag (for wire type 2, without the length), used when <see cref="Children"/> is null.</summary>
        public byte[] Payload { get; set; } = [];

        public List<Field>? Children { get; set; }
    }

    private sealed class Writer
    {
        public List<byte> Bytes { get; } = [];

        public List<(int Start, int End, bool IsLength)> Varints { get; } = [];

        public void Write(List<Field> message)
        {
            foreach (var field in message)
            {
                WriteVarint(((ulong)field.Number << 3) | (uint)field.WireType, isLength: false);
                if (field.Children is { } children)
                {
                    var inner = new Writer();
                    inner.Write(children);
                    WriteVarint((ulong)inner.Bytes.Count, isLength: true);
                    var offset = Bytes.Count;
                    Varints.AddRange(inner.Varints.Select(v => (v.Start + offset, v.End + offset, v.IsLength)));
                    Bytes.AddRange(inner.Bytes);
                }
                else
                {
                    if (field.WireType == 2)
                    {
                        WriteVarint((ulong)field.Payload.Length, isLength: true);
                    }

                    Bytes.AddRange(field.Payload);
                }
            }
        }

        private void WriteVarint(ulong value, bool isLength)
        {
            var start = Bytes.Count;
            Bytes.AddRange(Varint(value));
            Varints.Add((start, Bytes.Count, isLength));
        }
    }
}
