using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Benchmarks;

/// <summary>
/// A store as support staff meet it after weeks of collecting (<see cref="SupportViewsBench"/>): 300 kinds of event
/// (message templates, a few of them most of the volume: Zipf 1.1), users Zipf 0.8 (over 10,000 users the busiest has
/// ~3.7 % of the events, the quietest a few dozen), 1 % errors (0.1 % Critical) with a .NET exception, 5 % warnings,
/// 25 % debug, 10 apps with 3 versions each, one or two machines per user, over the last 7 days. Deterministic for a
/// seed apart from the timestamps, which count back from now. <see cref="CommonWord"/> is in most messages,
/// <see cref="RareWord"/> in one rare kind only.
/// </summary>
internal sealed class SupportStoreSeed
{
    public const int TemplateCount = 300;
    public const string CommonWord = "request";
    public const string RareWord = "quarantined";

    private static readonly string[] Verbs = ["loaded", "saved", "sent", "rejected", "queued", "printed", "signed", "synced", "exported", "validated", "opened", "closed"];
    private static readonly string[] Nouns = ["order", "invoice", "payslip", "ledger", "report", "customer", "basket", "shipment", "contract", "timesheet", "receipt", "refund", "voucher", "account", "document"];
    private static readonly string[] Places = ["cache", "database", "gateway", "printer", "mailbox", "share", "bank", "scanner"];

    private readonly Random _random = new(17);
    private readonly double[] _userWeights;
    private readonly double[] _templateWeights;
    private readonly long[] _sequences;
    private readonly int _users;
    private readonly DateTimeOffset _now;

    public SupportStoreSeed(int users, DateTimeOffset now)
    {
        _users = users;
        _now = now;
        _sequences = new long[users];
        _userWeights = Cumulative(users, 0.8);
        _templateWeights = Cumulative(TemplateCount, 1.1);
    }

    /// <summary>The busiest user (rank 0).</summary>
    public static string HeavyUser => ConsoleBench.UserName(0);

    /// <summary>A user of rank <c>users - 1</c>: a few dozen events.</summary>
    public static string LightUser(int users) => ConsoleBench.UserName(users - 1);

    /// <summary>The template of kind <paramref name="kind"/>: kinds 0.. are ordered by frequency, most common first.</summary>
    public static string Template(int kind)
    {
        // The rare word: one kind near the tail (about 0.03 % of the events).
        if (kind == TemplateCount - 7)
        {
            return "Document {DocumentId} " + RareWord + " by the virus scanner on {Machine}";
        }

        var verb = Verbs[kind % Verbs.Length];
        var noun = Nouns[(kind / Verbs.Length) % Nouns.Length];
        var place = Places[(kind / 7) % Places.Length];
        // Two kinds in three carry the common word.
        return kind % 3 == 2
            ? $"{char.ToUpperInvariant(noun[0])}{noun[1..]} {{Id}} {verb} to the {place} in {{ElapsedMs}} ms (step {kind})"
            : $"The {CommonWord} for {noun} {{Id}} was {verb} by the {place} in {{ElapsedMs}} ms (step {kind})";
    }

    public List<NewEvent> NextBatch(int size)
    {
        var batch = new List<NewEvent>(size);
        for (var i = 0; i < size; i++)
        {
            batch.Add(Next());
        }

        return batch;
    }

    private NewEvent Next()
    {
        var u = Pick(_userWeights);
        var kind = Pick(_templateWeights);
        var roll = _random.Next(1000);
        var level = roll switch
        {
            < 1 => LogLevel.Critical,
            < 10 => LogLevel.Error,
            < 60 => LogLevel.Warning,
            < 310 => LogLevel.Debug,
            _ => LogLevel.Information,
        };
        var user = ConsoleBench.UserName(u);
        var machine = "PC-" + (u * 3 / 2 + _random.Next(2)).ToString("D5", CultureInfo.InvariantCulture);
        var id = _random.Next(10_000_000).ToString(CultureInfo.InvariantCulture);
        var elapsed = _random.Next(5000).ToString(CultureInfo.InvariantCulture);
        var template = Template(kind);
        var message = template.Replace("{Id}", id, StringComparison.Ordinal).Replace("{DocumentId}", id, StringComparison.Ordinal)
            .Replace("{ElapsedMs}", elapsed, StringComparison.Ordinal).Replace("{Machine}", machine, StringComparison.Ordinal);
        var app = "App" + (u % 10).ToString(CultureInfo.InvariantCulture);
        return new NewEvent
        {
            Timestamp = _now.AddSeconds(-_random.NextDouble() * 7 * 86400),
            Level = level,
            Category = app + ".Module" + (kind % 40).ToString(CultureInfo.InvariantCulture),
            Message = message,
            Template = template,
            PropertiesJson = $$"""{"Id":{{id}},"ElapsedMs":{{elapsed}},"Customer":"c{{u}}"}""",
            ExceptionJson = level >= LogLevel.Error ? Exception() : null,
            ContextJson = """{"threadId":7}""",
            App = app,
            Version = app + " 2." + (u % 3).ToString(CultureInfo.InvariantCulture) + ".0",
            User = user,
            Machine = machine,
            Path = user,
            InstanceId = "inst-" + u.ToString(CultureInfo.InvariantCulture),
            Sequence = ++_sequences[u],
        };
    }

    private string Exception()
    {
        var stack = new StringBuilder();
        for (var f = 0; f < 6; f++)
        {
            stack.Append(@"   at Shop.Services.Step").Append(_random.Next(40)).Append(@".Run() in /src/Step.cs:line ").Append(_random.Next(900)).Append(@"\n");
        }

        return $$"""{"type":"System.InvalidOperationException","message":"Ledger closed","stackTrace":"{{stack}}"}""";
    }

    private int Pick(double[] cumulative)
    {
        var i = Array.BinarySearch(cumulative, _random.NextDouble() * cumulative[^1]);
        return i < 0 ? Math.Min(~i, cumulative.Length - 1) : i;
    }

    /// <summary>Running sums of the Zipf weights 1/(rank+1)^s.</summary>
    private static double[] Cumulative(int count, double s)
    {
        var sums = new double[count];
        var total = 0.0;
        for (var i = 0; i < count; i++)
        {
            total += 1 / Math.Pow(i + 1, s);
            sums[i] = total;
        }

        return sums;
    }
}
