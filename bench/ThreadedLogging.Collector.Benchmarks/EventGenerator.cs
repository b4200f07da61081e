using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Benchmarks;

/// <summary>
/// Realistic events: 1000 users on 1500 machines, 10 apps, messages of 60–200 characters from a
/// 600-word vocabulary, 150–300 bytes of properties, 2% with a 1.5 KB exception, levels weighted
/// like production (70% Information), timestamps over 30 days. A batch comes from one client (one
/// user, machine and handler instance), as ThreadedHttpHandler sends it; <c>mixed</c> batches take
/// every event from a random client instead (the worst case for the indexes).
/// </summary>
internal sealed class EventGenerator(int seed, long totalEvents)
{
    public const int UserCount = 1000;
    public const int AppCount = 10;
    public static readonly DateTimeOffset Start = new(2026, 10, 25, 0, 0, 0, TimeSpan.Zero);
    public static readonly TimeSpan Span = TimeSpan.FromDays(30);

    private static readonly string[] Templates =
    [
        "Order {0} shipped to {1} after {2} ms via {3} {4}",
        "Payment {0} for customer {1} accepted by {3} gateway in {2} ms",
        "Invoice {0} rendered for {1}: {2} lines, template {3} {4}",
        "User {1} opened document {0} from {3} share ({2} KB)",
        "Retrying request {0} to {3} service: attempt {2} of 5 for {1}",
        "Cache miss for key {4}/{0} in region {3}; loaded in {2} ms",
        "Report {0} scheduled by {1} completed with {2} rows ({3} {4})",
    ];

    private readonly Random _random = new(seed);
    private readonly string[] _words = Vocabulary(seed);
    private readonly long[] _sequences = new long[UserCount];
    private long _produced;

    public static string User(int i) => "user" + i.ToString("D4", CultureInfo.InvariantCulture);

    public static string App(int i) => "App" + i.ToString(CultureInfo.InvariantCulture);

    public static string Machine(int i) => "PC-" + i.ToString("D4", CultureInfo.InvariantCulture);

    public string Word(int i) => _words[i % _words.Length];

    public IReadOnlyList<NewEvent> NextBatch(int size, bool mixed = false)
    {
        var batch = new NewEvent[size];
        var client = _random.Next(UserCount);
        for (var i = 0; i < size; i++)
        {
            batch[i] = Next(mixed ? _random.Next(UserCount) : client);
        }

        return batch;
    }

    private NewEvent Next(int userIndex)
    {
        var n = _produced++;
        var user = User(userIndex);
        var machine = Machine(userIndex * 3 / 2);
        var app = App(userIndex % AppCount);
        var roll = _random.Next(100);
        var level = roll switch
        {
            < 1 => LogLevel.Critical,
            < 5 => LogLevel.Error,
            < 15 => LogLevel.Warning,
            < 30 => LogLevel.Debug,
            _ => LogLevel.Information,
        };
        var template = Templates[_random.Next(Templates.Length)];
        var orderId = _random.Next(1_000_000).ToString(CultureInfo.InvariantCulture);
        var elapsed = _random.Next(5000).ToString(CultureInfo.InvariantCulture);
        var message = string.Format(CultureInfo.InvariantCulture, template, orderId, user, elapsed, _words[_random.Next(_words.Length)], _words[_random.Next(_words.Length)]);
        var timestamp = Start + TimeSpan.FromTicks(Span.Ticks / totalEvents * n);
        var properties = string.Create(CultureInfo.InvariantCulture,
            $"{{\"OrderId\":\"{orderId}\",\"Customer\":\"{user}\",\"ElapsedMs\":{elapsed},\"Region\":\"{_words[_random.Next(_words.Length)]}\",\"CorrelationId\":\"{_random.NextInt64():x16}{_random.NextInt64():x16}\",\"Items\":[{_random.Next(100)},{_random.Next(100)},{_random.Next(100)}]}}");
        string? exception = null;
        if (level >= LogLevel.Error && _random.Next(2) == 0)
        {
            var stack = new StringBuilder();
            for (var f = 0; f < 12; f++)
            {
                stack.Append("   at Payroll.Services.").Append(_words[_random.Next(_words.Length)]).Append("Service.Handle(Request request) in /src/Services/Service.cs:line ").Append(_random.Next(900)).Append('\n');
            }

            var trace = JsonEncodedText.Encode(stack.ToString()).ToString();
            exception = $"{{\"type\":\"System.InvalidOperationException\",\"message\":\"Operation failed: {_words[_random.Next(_words.Length)]}\",\"stackTrace\":\"{trace}\",\"text\":\"System.InvalidOperationException: Operation failed\\n{trace}\"}}";
        }

        return new NewEvent
        {
            Timestamp = timestamp,
            Level = level,
            Category = app + ".Services." + _words[_random.Next(40)],
            Message = message,
            Template = template,
            PropertiesJson = properties,
            ExceptionJson = exception,
            ContextJson = "{\"threadId\":" + _random.Next(40).ToString(CultureInfo.InvariantCulture) + ",\"processId\":4242}",
            App = app,
            Version = "2.3." + (userIndex % 7).ToString(CultureInfo.InvariantCulture),
            User = user,
            Machine = machine,
            Path = user + "/" + machine,
            InstanceId = "inst-" + userIndex.ToString(CultureInfo.InvariantCulture),
            Sequence = _sequences[userIndex]++,
        };
    }

    private static string[] Vocabulary(int seed)
    {
        var random = new Random(seed + 1);
        const string Letters = "abcdefghijklmnopqrstuvwxyz";
        var words = new HashSet<string>(StringComparer.Ordinal);
        while (words.Count < 600)
        {
            var length = random.Next(4, 10);
            var word = new char[length];
            for (var i = 0; i < length; i++)
            {
                word[i] = Letters[random.Next(Letters.Length)];
            }

            words.Add(new string(word));
        }

        return [.. words];
    }
}
