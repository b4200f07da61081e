using System.Text.Json;
using ThreadedLogging.Collector.Ingest.Formats.Python;

namespace ThreadedLogging.Collector.Tests.Fuzz;

/// <summary>
/// Differential fuzzing of <c>msg % args</c> against CPython itself (python3 on the machine): random directives
/// (<see cref="FuzzTokens.PercentDirectives"/>) over random argument tuples and dicts, kept only where the args text is
/// exactly what <c>str(args)</c> prints (what HTTPHandler sends). Where CPython renders, <see cref="PythonPercentFormatter"/>
/// must render the same text; where CPython raises, it must keep msg raw (return false). Widths and precisions past
/// 100,000 are left out: the collector bounds them on purpose (issue 15 §2).
/// </summary>
public sealed class PythonDifferentialFuzzTests
{
    public const int FirstSeed = DecoderFuzzTests.FirstSeed + 2_000_000;

    public static int Cases { get; } = int.TryParse(Environment.GetEnvironmentVariable("TL_FUZZ_CASES"), out var cases) ? cases : 3000;

    /// <summary>Evaluates each [msg, args] as LogRecord.getMessage would; null for a case to skip, [false] where CPython raises.</summary>
    private const string Script = """
        import json, re, sys
        cases = json.load(open(sys.argv[1], encoding='utf-8'))
        out = []
        for msg, args in cases:
            # Widths and precisions past 100,000 are bounded by the collector by design (CPython would build gigabytes).
            if any(int(n) > 100000 for n in re.findall(r'[0-9]+', msg)) or ('*' in msg and any(len(n) > 5 for n in re.findall(r'[0-9]+', args))):
                out.append(None)
                continue
            try:
                value = eval(args, {'__builtins__': {}}, {'inf': float('inf'), 'nan': float('nan')})
                if str(value) != args:
                    out.append(None)
                    continue
            except Exception:
                out.append(None)
                continue
            try:
                text = msg % value if value else msg
            except Exception as e:
                out.append([False, type(e).__name__])
                continue
            if any(0xD800 <= ord(c) <= 0xDFFF for c in text) or len(text) > 100000:
                out.append(None)
            else:
                out.append([True, text])
        json.dump(out, sys.stdout, ensure_ascii=True)
        """;

    [Fact]
    public async Task TryRender_RandomDirectivesAndArgs_SameAsCPython()
    {
        var cases = new List<(int Seed, string Msg, string Args)>();
        for (var n = 0; n < Cases; n++)
        {
            var random = new Random(FirstSeed + n);
            var count = 1 + random.Next(3);
            var msg = string.Concat(Enumerable.Range(0, count).Select(_ => Pick(random, ["", "x", " ", "é"]) + Pick(random, FuzzTokens.PercentDirectives)));
            var args = random.Next(5) == 0
                ? "{'a': " + Pick(random, FuzzTokens.PythonArgItems) + ", 'user': " + Pick(random, FuzzTokens.PythonArgItems) + "}"
                : "(" + string.Join(", ", Enumerable.Range(0, count + random.Next(3) - 1).Select(_ => Pick(random, FuzzTokens.PythonArgItems))) + ",)";
            cases.Add((FirstSeed + n, msg, args.Replace("(,)", "()", StringComparison.Ordinal)));
        }

        using var file = new TempDirectory();
        var input = Path.Combine(file.Path, "cases.json");
        await File.WriteAllTextAsync(input, JsonSerializer.Serialize(cases.Select(c => new[] { c.Msg, c.Args })));
        var python = JsonDocument.Parse(await PythonProcess.RunAsync(Script, input)).RootElement;

        var compared = 0;
        var differences = new List<string>();
        for (var i = 0; i < cases.Count; i++)
        {
            var expected = python[i];
            if (expected.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            compared++;
            var (seed, msg, args) = cases[i];
            var rendered = PythonPercentFormatter.TryRender(msg, args, 1 << 20, out var message);
            var pythonRenders = expected[0].GetBoolean();
            if (rendered != pythonRenders || (rendered && message != expected[1].GetString()))
            {
                differences.Add($"seed {seed}: {JsonSerializer.Serialize(msg)} % {args}: CPython {(pythonRenders ? JsonSerializer.Serialize(expected[1].GetString()) : "raises " + expected[1].GetString())}, "
                    + $"collector {(rendered ? JsonSerializer.Serialize(message) : "keeps msg raw")}");
            }
        }

        Assert.True(compared > Cases / 3, $"only {compared} of {Cases} cases are args CPython prints as such");
        Assert.True(differences.Count == 0, $"{differences.Count} of {compared} differ:\n" + string.Join("\n", differences.Take(40)));
    }

    private static T Pick<T>(Random random, T[] items) => items[random.Next(items.Length)];
}
