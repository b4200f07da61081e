using System.Globalization;

namespace ThreadedLogging.Delivery.Benchmarks;

/// <summary>
/// Options of the load tool: <c>delivery [--events 200000] [--runs 5] [--threads 2] [--handlers 1] [--batch-size N]
/// [--spool both|on|off] [--wait] [--out results.md]</c>.
/// </summary>
public sealed record DeliveryOptions
{
    public int Events { get; init; } = 200_000;

    public int Runs { get; init; } = 5;

    public int Threads { get; init; } = 2;

    /// <summary>
    /// Gets how many handlers (each with its own worker, so that many requests in flight) share the
    /// threads; thread t logs into handler t % Handlers. The default is 1, as an app has.
    /// </summary>
    public int Handlers { get; init; } = 1;

    /// <summary>Gets the handler's BatchSize; <see langword="null"/> (the default): the handler's own default (2000 for HTTP).</summary>
    public int? BatchSize { get; init; }

    /// <summary>Gets the BatchSize the handlers run with.</summary>
    public int EffectiveBatchSize => BatchSize ?? new ThreadedHttpHandlerOptions().BatchSize;

    /// <summary>Gets whether to run with the spool off, on, or both (off first, then on, alternating per run).</summary>
    public IReadOnlyList<bool> SpoolModes { get; init; } = [false, true];

    /// <summary>
    /// Gets whether callers wait for room (<see cref="QueueFullMode.Wait"/>, QueueCapacity default 10000)
    /// instead of the default: a queue as large as the run, so no call ever waits or drops.
    /// </summary>
    public bool Wait { get; init; }

    /// <summary>Gets a file to append the markdown table to.</summary>
    public string? Out { get; init; }

    public static DeliveryOptions Parse(string[] args)
    {
        var options = new DeliveryOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            int NextInt() => int.Parse(Next(), NumberStyles.None, CultureInfo.InvariantCulture);
            options = args[i] switch
            {
                "--events" => options with { Events = NextInt() },
                "--runs" => options with { Runs = NextInt() },
                "--threads" => options with { Threads = NextInt() },
                "--handlers" => options with { Handlers = NextInt() },
                "--batch-size" => options with { BatchSize = NextInt() },
                "--spool" => options with
                {
                    SpoolModes = Next() switch
                    {
                        "both" => [false, true],
                        "on" => [true],
                        "off" => [false],
                        var other => throw new ArgumentException($"--spool must be both, on or off (was '{other}')."),
                    },
                },
                "--wait" => options with { Wait = true },
                "--out" => options with { Out = Next() },
                var other => throw new ArgumentException($"Unknown option '{other}'. Usage: delivery [--events N] [--runs R] [--threads T] [--handlers H] [--batch-size B] [--spool both|on|off] [--wait] [--out file.md]"),
            };
        }

        return options;
    }
}
