using System.Numerics;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace ThreadedLogging.Collector.Ingest.Formats;

/// <summary>
/// The one reader of the times a client sends (JsonBatch <c>timestamp</c>, CLEF <c>@t</c>, a level rule's
/// <c>expires</c>): RFC 3339 §5.6 <c>date-time</c>, <c>2026-12-03T10:15:30.25Z</c> or <c>…+01:00</c>. The offset is
/// required (a time without one is a different instant on every machine); <c>T</c>, <c>t</c> or a space between date
/// and time (RFC 3339's note), <c>Z</c> or <c>z</c>, <c>-00:00</c> as UTC; a fraction of any length (Go writes 9
/// digits; .NET keeps 7: the rest is cut, never rounded into the next second). Nothing else: .NET's own parsing also
/// took <c>12/03/2026</c>, <c>10:00</c> (today on the collector's clock) or a time without an offset (read as UTC
/// whatever the sender meant). Not accepted: a leap second <c>:60</c> (.NET has no such instant), an instant before 0001 or
/// after 9999 in UTC (refused as out of range, <see cref="Refusal"/>).
/// </summary>
internal static class Rfc3339Time
{
    /// <summary>
    /// What a refusal says after the field's name: the form expected and the value received (cut at 40); for a valid RFC
    /// 3339 time whose instant .NET cannot hold (<c>0001-01-01T00:00:00+14:00</c> is in year 0 in UTC), that it is out of
    /// range (review14: it was called "not RFC 3339").
    /// </summary>
    public static string Refusal(string field, string value)
    {
        var shown = value.Length <= 40 ? value : value[..40] + "...";
        return Read(value.AsSpan(), out _) == Outcome.OutOfRange
            ? $"'{field}' is out of range: {shown} is an RFC 3339 time, but its instant in UTC is not between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.9999999Z"
            : $"'{field}' must be an RFC 3339 time with an offset, e.g. 2026-12-03T10:15:30.25Z or 2026-12-03T11:15:30+01:00 (was '{shown}')";
    }

    /// <summary>Reads a JSON string (from its UTF-8 bytes when it has no escapes, without a string per event).</summary>
    public static bool TryParse(JsonElement value, out DateTimeOffset utc)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            utc = default;
            return false;
        }

        var raw = JsonMarshal.GetRawUtf8Value(value);
        return raw.IndexOf((byte)'\\') < 0 ? TryParse(raw[1..^1], out utc) : TryParse(value.GetString().AsSpan(), out utc);
    }

    /// <summary>Reads <paramref name="text"/> (UTF-8 or UTF-16); the instant is returned in UTC.</summary>
    public static bool TryParse<T>(ReadOnlySpan<T> text, out DateTimeOffset utc)
        where T : IBinaryInteger<T> =>
        Read(text, out utc) == Outcome.Read;

    private static Outcome Read<T>(ReadOnlySpan<T> text, out DateTimeOffset utc)
        where T : IBinaryInteger<T>
    {
        utc = default;
        var reader = new Reader<T>(text);
        if (!reader.Number(4, out var year) || !reader.Skip('-') || !reader.Number(2, out var month) || !reader.Skip('-') || !reader.Number(2, out var day)
            || !(reader.Skip('T') || reader.Skip('t') || reader.Skip(' '))
            || !reader.Number(2, out var hour) || !reader.Skip(':') || !reader.Number(2, out var minute) || !reader.Skip(':') || !reader.Number(2, out var second))
        {
            return Outcome.Malformed;
        }

        long fraction = 0;
        if (reader.Skip('.'))
        {
            var digits = 0;
            while (reader.Digit(out var digit))
            {
                fraction = digits < 7 ? (fraction * 10) + digit : fraction;
                digits++;
            }

            if (digits == 0)
            {
                return Outcome.Malformed;
            }

            for (var i = digits; i < 7; i++)
            {
                fraction *= 10;
            }
        }

        int offsetMinutes;
        if (reader.Skip('Z') || reader.Skip('z'))
        {
            offsetMinutes = 0;
        }
        else
        {
            var sign = reader.Skip('+') ? 1 : reader.Skip('-') ? -1 : 0;
            if (sign == 0 || !reader.Number(2, out var offsetHours) || !reader.Skip(':') || !reader.Number(2, out var offsetMinute) || offsetHours > 23 || offsetMinute > 59)
            {
                return Outcome.Malformed;
            }

            offsetMinutes = sign * ((offsetHours * 60) + offsetMinute);
        }

        // RFC 3339 has a year 0000, which DateTime has not: it is read as the year 400 (a leap year too), 400 Gregorian years
        // (146,097 days) later, and those taken off the ticks (0000-12-31T23:00:00-14:00 is in year 1 in UTC).
        var shift = year == 0 ? 400 : 0;
        if (!reader.AtEnd || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year + shift, month) || hour > 23 || minute > 59 || second > 59)
        {
            return Outcome.Malformed;
        }

        // RFC 3339 allows offsets .NET's DateTimeOffset does not (it stops at ±14:00): the instant is taken in UTC.
        var ticks = new DateTime(year + shift, month, day, hour, minute, second, DateTimeKind.Unspecified).Ticks - (shift == 0 ? 0 : 146_097 * TimeSpan.TicksPerDay)
            + fraction - (offsetMinutes * TimeSpan.TicksPerMinute);
        if (ticks < DateTime.MinValue.Ticks || ticks > DateTime.MaxValue.Ticks)
        {
            return Outcome.OutOfRange;
        }

        utc = new DateTimeOffset(ticks, TimeSpan.Zero);
        return Outcome.Read;
    }

    private enum Outcome
    {
        Read,
        Malformed,

        /// <summary>Valid RFC 3339, but its instant in UTC is outside .NET's years 1 to 9999.</summary>
        OutOfRange,
    }

    private ref struct Reader<T>(ReadOnlySpan<T> text)
        where T : IBinaryInteger<T>
    {
        private readonly ReadOnlySpan<T> _text = text;
        private int _at;

        public readonly bool AtEnd => _at == _text.Length;

        public bool Skip(char c)
        {
            if (_at < _text.Length && int.CreateTruncating(_text[_at]) == c)
            {
                _at++;
                return true;
            }

            return false;
        }

        public bool Digit(out int digit)
        {
            digit = _at < _text.Length ? int.CreateTruncating(_text[_at]) - '0' : -1;
            if (digit is < 0 or > 9)
            {
                return false;
            }

            _at++;
            return true;
        }

        /// <summary>Exactly <paramref name="count"/> digits.</summary>
        public bool Number(int count, out int value)
        {
            value = 0;
            for (var i = 0; i < count; i++)
            {
                if (!Digit(out var digit))
                {
                    return false;
                }

                value = (value * 10) + digit;
            }

            return true;
        }
    }
}
