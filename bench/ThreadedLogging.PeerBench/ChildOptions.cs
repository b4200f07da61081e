using System.Globalization;

namespace ThreadedLogging.PeerBench;

/// <summary>The options of one measured run: <c>run --peer P --events N --base URL [--drain-timeout S]</c>.</summary>
internal sealed record ChildOptions
{
    public string Peer { get; init; } = string.Empty;

    public int Events { get; init; }

    /// <summary>Gets the server and path prefix this run sends to, e.g. <c>http://127.0.0.1:5000/r/1-otel</c>.</summary>
    public string BaseUrl { get; init; } = string.Empty;

    public int DrainTimeoutSeconds { get; init; } = 300;

    public static ChildOptions Parse(string[] args)
    {
        var options = new ChildOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            options = args[i] switch
            {
                "--peer" => options with { Peer = PeerCatalog.Check([Next()])[0] },
                "--events" => options with { Events = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--base" => options with { BaseUrl = Next().TrimEnd('/') },
                "--drain-timeout" => options with { DrainTimeoutSeconds = int.Parse(Next(), CultureInfo.InvariantCulture) },
                var other => throw new ArgumentException($"Unknown option '{other}'."),
            };
        }

        return options;
    }
}
