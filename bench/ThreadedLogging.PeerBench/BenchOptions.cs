using System.Globalization;

namespace ThreadedLogging.PeerBench;

/// <summary>
/// The orchestrator's options: <c>[--events 1000000] [--rounds 3] [--peers a,b] [--server healthy|slow|dead|blackhole]
/// [--slow-ms 50] [--drain-timeout S] [--seed N] [--warmup 200000] [--out file.md]</c>.
/// </summary>
internal sealed record BenchOptions
{
    public int Events { get; init; } = 1_000_000;

    public int Rounds { get; init; } = 3;

    public IReadOnlyList<string> Peers { get; init; } = PeerCatalog.Names;

    public ServerState Server { get; init; } = ServerState.Healthy;

    /// <summary>Gets how long the slow server waits before it answers a request.</summary>
    public int SlowMilliseconds { get; init; } = 50;

    /// <summary>Gets how long a run may spend draining after its burst (flush), before Dispose is timed.</summary>
    public int? DrainTimeoutSeconds { get; init; }

    public int Seed { get; init; } = Environment.TickCount;

    /// <summary>
    /// Gets how many events each sending peer logs once, unmeasured, before the rounds (0: none), so that the server's
    /// own warm-up (Kestrel's and each format's counting code compiled and tiered up) is charged to no measured run.
    /// </summary>
    public int Warmup { get; init; } = 200_000;

    public string? Out { get; init; }

    public int EffectiveDrainTimeoutSeconds => DrainTimeoutSeconds ?? (Server is ServerState.Healthy or ServerState.Slow ? 300 : 10);

    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            int NextInt() => int.Parse(Next(), NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
            options = args[i] switch
            {
                "--events" => options with { Events = NextInt() },
                "--rounds" => options with { Rounds = NextInt() },
                "--peers" => options with { Peers = PeerCatalog.Check(Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)) },
                "--server" => options with { Server = Enum.Parse<ServerState>(Next(), ignoreCase: true) },
                "--slow-ms" => options with { SlowMilliseconds = NextInt() },
                "--drain-timeout" => options with { DrainTimeoutSeconds = NextInt() },
                "--seed" => options with { Seed = NextInt() },
                "--warmup" => options with { Warmup = NextInt() },
                "--out" => options with { Out = Next() },
                var other => throw new ArgumentException($"Unknown option '{other}'. Usage: [--events N] [--rounds R] [--peers {string.Join(',', PeerCatalog.Names)}] [--server healthy|slow|dead|blackhole] [--slow-ms 50] [--drain-timeout S] [--seed N] [--warmup N] [--out file.md]"),
            };
        }

        if (options.Events < ChildRun.BlockSize || options.Events % ChildRun.BlockSize != 0)
        {
            throw new ArgumentException($"--events must be a positive multiple of {ChildRun.BlockSize} (was {options.Events}).");
        }

        if (options.Warmup < 0 || options.Warmup % ChildRun.BlockSize != 0)
        {
            throw new ArgumentException($"--warmup must be 0 or a positive multiple of {ChildRun.BlockSize} (was {options.Warmup}).");
        }

        return options;
    }
}

/// <summary>What the loopback server does with a request.</summary>
internal enum ServerState
{
    /// <summary>Reads, counts, answers at once.</summary>
    Healthy,

    /// <summary>Reads, waits <c>--slow-ms</c>, counts, answers.</summary>
    Slow,

    /// <summary>Nothing listens: connections are refused.</summary>
    Dead,

    /// <summary>Accepts and reads, never answers.</summary>
    BlackHole,
}
