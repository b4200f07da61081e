using System.Text;
using System.Text.Json;

namespace ThreadedLogging.Collector.Tests.Fuzz;

/// <summary>
/// Field-level mutations of a Python <c>LogRecord.__dict__</c> (a form body, or the seed's JSON record): odd
/// <c>%</c> directives in <c>msg</c>, odd or broken <c>str(args)</c>, odd numbers in <c>levelno</c>, <c>created</c>
/// and <c>sequence</c>, odd exception texts, long or repeated fields; the form is then encoded as urlencode does.
/// </summary>
internal static class PythonMutator
{
    private static readonly string[] NumberFields = ["levelno", "created", "sequence", "msecs", "lineno", "revision", "thread", "process"];

    private static readonly string[] ArgsTextTokens = ["'", "\"", "(", ")", ",", "[", "{", ":", "\\", "\\x", "\\u", "\\U", "\\U0001f600", " ", "-", "e", "j", "b'", new string('8', 5000)];

    private static readonly string[] ExcInfos =
    [
        "(None, None, None)", "(<class 'KeyError'>, KeyError('missing'), <traceback object at 0x7f>)", "(<class '" + new string('x', 300) + "'>, x('y'), z)",
        "(<class 'a'>, " + new string('a', 250) + "(\"" + new string('\'', 3000) + "\"), t)", "(<class ''>, ('',)", "(<class 'X'>, X(''),",
    ];

    private static readonly string[] ExcTexts =
    [
        "Traceback (most recent call last):\n  File \"x.py\", line 1, in <module>\nZeroDivisionError: division by zero", "Traceback", "\n\n", ": ",
        "System.InvalidOperationException: outer failed\n ---> System.ArgumentException: inner bad\n   --- End of inner exception stack trace ---\n   at X.Y()",
        string.Concat(Enumerable.Repeat("System.Exception: a ---> ", 300)), "A.B:\n   at ",
    ];

    public static byte[] MutateForm(Random random, byte[] body)
    {
        var fields = ParseForm(Encoding.UTF8.GetString(body));
        var mutated = Mutate(random, fields.Select(f => (f.Key, f.Value, Raw: false)).ToList());
        return Encoding.UTF8.GetBytes(string.Join("&", mutated.Select(f => Escape(f.Key) + "=" + Escape(f.Value))));
    }

    public static byte[] MutateSeedRecord(Random random, byte[] body)
    {
        List<(string Key, string Value, bool Raw)> fields;
        try
        {
            using var document = JsonDocument.Parse(body);
            fields = [.. document.RootElement.EnumerateObject().Select(p => p.Value.ValueKind == JsonValueKind.String
                ? (p.Name, p.Value.GetString()!, false)
                : (p.Name, p.Value.GetRawText(), true))];
        }
        catch (JsonException)
        {
            return body;
        }

        var mutated = Mutate(random, fields);
        return Encoding.UTF8.GetBytes("{" + string.Join(",", mutated.Select(f => JsonSerializer.Serialize(f.Key) + ":" + (f.Raw ? f.Value : JsonSerializer.Serialize(f.Value)))) + "}");
    }

    public static List<KeyValuePair<string, string>> ParseForm(string form) =>
        [.. form.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries).Select(pair =>
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            return KeyValuePair.Create(Unescape(eq < 0 ? pair : pair[..eq]), eq < 0 ? string.Empty : Unescape(pair[(eq + 1)..]));
        })];

    /// <summary>As <c>urllib.parse.urlencode</c> (<c>quote_plus</c>): UTF-8, space as '+'.</summary>
    public static string Escape(string text) => Uri.EscapeDataString(text).Replace("%20", "+", StringComparison.Ordinal);

    private static string Unescape(string text) => Uri.UnescapeDataString(text.Replace('+', ' '));

    private static List<(string Key, string Value, bool Raw)> Mutate(Random random, List<(string Key, string Value, bool Raw)> fields)
    {
        for (var m = 1 + random.Next(3); m > 0; m--)
        {
            var index = fields.FindIndex(f => f.Key == "msg");
            var msg = index >= 0 ? fields[index].Value : string.Empty;
            switch (random.Next(13))
            {
                case 11:
                case 12:
                    // As many directives as items, so that the conversions themselves run on odd values.
                    var count = 1 + random.Next(4);
                    Set(fields, "msg", string.Join(" ", Enumerable.Range(0, count).Select(_ => Pick(random, FuzzTokens.PercentDirectives))));
                    Set(fields, "args", "(" + string.Join(", ", Enumerable.Range(0, count).Select(_ => Pick(random, FuzzTokens.PythonArgItems))) + ",)");
                    break;
                case 0:
                case 1:
                    Set(fields, "msg", Insert(random, msg, Pick(random, FuzzTokens.PercentDirectives)));
                    break;
                case 2:
                    Set(fields, "msg", string.Join(Pick(random, ["", " ", "x"]), Enumerable.Range(0, 1 + random.Next(6)).Select(_ => Pick(random, FuzzTokens.PercentDirectives))));
                    Set(fields, "args", Pick(random, FuzzTokens.PythonArgs));
                    break;
                case 3:
                case 4:
                    Set(fields, "args", Pick(random, FuzzTokens.PythonArgs));
                    break;
                case 5:
                    var args = fields.Find(f => f.Key == "args").Value ?? "()";
                    Set(fields, "args", Insert(random, args, Pick(random, ArgsTextTokens)));
                    break;
                case 6:
                    var numberField = Pick(random, NumberFields);
                    fields.RemoveAll(f => f.Key == numberField);
                    fields.Add((numberField, Pick(random, Mutator.OddNumbers), random.Next(2) == 0));
                    break;
                case 7:
                    Set(fields, "exc_info", Pick(random, ExcInfos));
                    Set(fields, random.Next(2) == 0 ? "exc_text" : "exc_info_", Pick(random, ExcTexts));
                    break;
                case 8:
                    Set(fields, Pick(random, ["name", "user", "machine", "app", "revision", "instanceId", "levelname", "message"]),
                        Pick(random, ["", "None", "x", "é😀", "WARNING", new string('n', 1025), new string('m', 300_000)]));
                    break;
                case 9:
                    if (fields.Count > 0)
                    {
                        var field = fields[random.Next(fields.Count)];
                        if (random.Next(2) == 0)
                        {
                            fields.Remove(field);
                        }
                        else
                        {
                            fields.Add(field);
                        }
                    }

                    break;
                default:
                    for (var n = Pick(random, [1, 100, 5000]); n > 0; n--)
                    {
                        fields.Add(("f" + n, "v", false));
                    }

                    break;
            }
        }

        return fields;
    }

    private static void Set(List<(string Key, string Value, bool Raw)> fields, string key, string value)
    {
        var index = fields.FindIndex(f => f.Key == key);
        if (index >= 0)
        {
            fields[index] = (key, value, false);
        }
        else
        {
            fields.Add((key, value, false));
        }
    }

    private static string Insert(Random random, string text, string token) => text.Insert(random.Next(text.Length + 1), token);

    private static T Pick<T>(Random random, T[] items) => items[random.Next(items.Length)];
}
