using System.Globalization;
using System.Numerics;
using System.Text;

namespace ThreadedLogging.Collector.Ingest.Formats.Python;

/// <summary>
/// Reads the <c>str()</c> of a tuple or dict as CPython prints it (HTTPHandler sends <c>record.args</c>
/// that way): str, bytes, int, float, None, bool, and nested tuples, lists, dicts and sets. Anything
/// else (an object's repr such as <c>datetime.datetime(...)</c>) is not understood: then
/// <see cref="TryParse"/> returns false and the caller keeps the raw text.
/// </summary>
internal sealed class PythonLiteralParser
{
    private const int MaxDepth = 32;

    /// <summary>
    /// CPython's <c>sys.int_info.default_max_str_digits</c>: since 3.11 <c>str()</c> of a longer int raises,
    /// so a longer one never comes from <c>str(record.args)</c>. Refusing it bounds the work of parsing and
    /// of <c>%d %o %x</c> on it, which grows with the square of the digits (issue 15 §3).
    /// </summary>
    public const int MaxIntDigits = 4300;

    private readonly string _s;
    private int _pos;

    private PythonLiteralParser(string text)
    {
        _s = text;
    }

    public static bool TryParse(string text, out PyValue value)
    {
        var parser = new PythonLiteralParser(text);
        value = null!;
        try
        {
            parser.SkipSpace();
            var parsed = parser.ParseValue(0);
            parser.SkipSpace();
            if (parser._pos != text.Length || parsed is null)
            {
                return false;
            }

            value = parsed;
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private PyValue? ParseValue(int depth)
    {
        if (depth > MaxDepth || _pos >= _s.Length)
        {
            return null;
        }

        var start = _pos;
        var c = _s[_pos];
        switch (c)
        {
            case '\'' or '"':
                return PyValue.String(ParseString(), _s[start.._pos]);
            case 'b' when _pos + 1 < _s.Length && _s[_pos + 1] is '\'' or '"':
                _pos++;
                ParseString();
                return PyValue.Bytes(_s[start.._pos]);
            case '(':
                {
                    var items = ParseItems(')', depth, out var trailingComma);
                    if (items is null || (items.Count == 1 && !trailingComma))
                    {
                        // "(x)" is not a tuple repr (CPython prints "(x,)").
                        return null;
                    }

                    return PyValue.Sequence(PyKind.Tuple, items, _s[start.._pos]);
                }

            case '[':
                {
                    var items = ParseItems(']', depth, out _);
                    return items is null ? null : PyValue.Sequence(PyKind.List, items, _s[start.._pos]);
                }

            case '{':
                return ParseBraces(depth, start);
            default:
                return ParseAtom(start);
        }
    }

    private List<PyValue>? ParseItems(char close, int depth, out bool trailingComma)
    {
        _pos++;
        var items = new List<PyValue>();
        trailingComma = false;
        SkipSpace();
        if (Peek() == close)
        {
            _pos++;
            return items;
        }

        while (true)
        {
            var item = ParseValue(depth + 1);
            if (item is null)
            {
                return null;
            }

            items.Add(item);
            SkipSpace();
            var next = Peek();
            if (next == close)
            {
                _pos++;
                return items;
            }

            if (next != ',')
            {
                return null;
            }

            _pos++;
            SkipSpace();
            if (Peek() == close)
            {
                trailingComma = true;
                _pos++;
                return items;
            }
        }
    }

    private PyValue? ParseBraces(int depth, int start)
    {
        _pos++;
        SkipSpace();
        if (Peek() == '}')
        {
            _pos++;
            return PyValue.Dict([], _s[start.._pos]);
        }

        var entries = new List<KeyValuePair<PyValue, PyValue>>();
        var setItems = new List<PyValue>();
        while (true)
        {
            var key = ParseValue(depth + 1);
            if (key is null)
            {
                return null;
            }

            SkipSpace();
            if (Peek() == ':' && setItems.Count == 0)
            {
                _pos++;
                SkipSpace();
                var value = ParseValue(depth + 1);
                if (value is null)
                {
                    return null;
                }

                entries.Add(new(key, value));
                SkipSpace();
            }
            else if (entries.Count == 0)
            {
                setItems.Add(key);
            }
            else
            {
                return null;
            }

            var next = Peek();
            if (next == '}')
            {
                _pos++;
                return entries.Count > 0
                    ? PyValue.Dict(entries, _s[start.._pos])
                    : PyValue.Sequence(PyKind.Set, setItems, _s[start.._pos]);
            }

            if (next != ',')
            {
                return null;
            }

            _pos++;
            SkipSpace();
        }
    }

    private PyValue? ParseAtom(int start)
    {
        while (_pos < _s.Length && (char.IsAsciiLetterOrDigit(_s[_pos]) || _s[_pos] is '.' or '_' or '+' or '-'))
        {
            // A sign is part of a number only at the start or right after an exponent marker.
            if (_s[_pos] is '+' or '-' && _pos > start && _s[_pos - 1] is not ('e' or 'E'))
            {
                break;
            }

            _pos++;
        }

        var token = _s[start.._pos];
        switch (token)
        {
            case "None":
                return PyValue.None(token);
            case "True":
                return PyValue.Bool(true, token);
            case "False":
                return PyValue.Bool(false, token);
            case "inf":
                return PyValue.FloatValue(double.PositiveInfinity, token);
            case "-inf":
                return PyValue.FloatValue(double.NegativeInfinity, token);
            case "nan":
                return PyValue.FloatValue(double.NaN, token);
        }

        if (token.Length == 0)
        {
            return null;
        }

        var body = token.StartsWith('-') ? token[1..] : token;
        if (body.Length > 0 && body.All(char.IsAsciiDigit))
        {
            if (body.Length > MaxIntDigits)
            {
                return null;
            }

            return PyValue.Int(BigInteger.Parse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture), token);
        }

        if (body.Length > 0 && char.IsAsciiDigit(body[0])
            && double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            return PyValue.FloatValue(number, token);
        }

        return null;
    }

    private string ParseString()
    {
        var quote = _s[_pos++];
        var text = new StringBuilder();
        while (true)
        {
            if (_pos >= _s.Length)
            {
                throw new FormatException("unterminated string");
            }

            var c = _s[_pos++];
            if (c == quote)
            {
                return text.ToString();
            }

            if (c != '\\')
            {
                text.Append(c);
                continue;
            }

            if (_pos >= _s.Length)
            {
                throw new FormatException("unterminated escape");
            }

            var e = _s[_pos++];
            switch (e)
            {
                case '\\': text.Append('\\'); break;
                case '\'': text.Append('\''); break;
                case '"': text.Append('"'); break;
                case 'n': text.Append('\n'); break;
                case 'r': text.Append('\r'); break;
                case 't': text.Append('\t'); break;
                case 'a': text.Append('\a'); break;
                case 'b': text.Append('\b'); break;
                case 'f': text.Append('\f'); break;
                case 'v': text.Append('\v'); break;
                case '0': text.Append('\0'); break;
                case 'x': AppendCodePoint(text, Hex(2)); break;
                case 'u': AppendCodePoint(text, Hex(4)); break;
                case 'U': AppendCodePoint(text, Hex(8)); break;
                default: text.Append('\\').Append(e); break;
            }
        }
    }

    private int Hex(int digits)
    {
        if (_pos + digits > _s.Length
            || !int.TryParse(_s.AsSpan(_pos, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value))
        {
            throw new FormatException("bad escape");
        }

        _pos += digits;
        return value;
    }

    private static void AppendCodePoint(StringBuilder text, int codePoint)
    {
        if (codePoint is < 0 or > 0x10FFFF)
        {
            throw new FormatException("bad code point");
        }

        if (codePoint is >= 0xD800 and <= 0xDFFF)
        {
            // A lone surrogate cannot be stored as UTF-8: keep the replacement character.
            text.Append('\uFFFD');
            return;
        }

        text.Append(char.ConvertFromUtf32(codePoint));
    }

    private char Peek() => _pos < _s.Length ? _s[_pos] : '\0';

    private void SkipSpace()
    {
        while (_pos < _s.Length && _s[_pos] == ' ')
        {
            _pos++;
        }
    }
}
