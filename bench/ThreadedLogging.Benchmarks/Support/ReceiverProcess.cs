using System.Diagnostics;
using System.Globalization;

namespace ThreadedLogging.Benchmarks;

/// <summary>
/// The <see cref="LoopbackServer"/> in a process of its own, as an app's collector is: its Kestrel, its allocations
/// and its garbage collections are not the benchmark's (in-process, they shared the benchmark's heap and its GC
/// pauses, which made the ThreadedHttp row bimodal). Both processes still share the machine's cores.
/// </summary>
internal sealed class ReceiverProcess : IDisposable
{
    public const string ListeningPrefix = "LISTENING ";

    /// <summary>The benchmark host's own assembly (with its runtimeconfig), set by <see cref="BenchConfig"/> for BenchmarkDotNet's child processes.</summary>
    public const string HostAssemblyVariable = "THREADEDLOGGING_BENCH_HOST_ASSEMBLY";

    private readonly Process _process;
    private readonly HttpClient _client = new();

    private ReceiverProcess(Process process, string host)
    {
        _process = process;
        Host = host;
    }

    public string Host { get; }

    /// <summary>Gets how many requests the receiver has answered.</summary>
    public long Requests => long.Parse(_client.GetStringAsync(new Uri($"http://{Host}/requests")).GetAwaiter().GetResult(), CultureInfo.InvariantCulture);

    public static ReceiverProcess Start()
    {
        var assembly = Environment.GetEnvironmentVariable(HostAssemblyVariable) is { Length: > 0 } path ? path : typeof(ReceiverProcess).Assembly.Location;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[] { "exec", assembly, "--loopback-server" })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("The receiver process did not start.");
        var line = process.StandardOutput.ReadLine();
        if (line is null || !line.StartsWith(ListeningPrefix, StringComparison.Ordinal))
        {
            process.Kill();
            throw new InvalidOperationException($"The receiver process said '{line}' instead of where it listens.");
        }

        return new ReceiverProcess(process, line[ListeningPrefix.Length..]);
    }

    public void Dispose()
    {
        _client.Dispose();
        _process.StandardInput.Close(); // the receiver stops when its input closes
        if (!_process.WaitForExit(TimeSpan.FromSeconds(10)))
        {
            _process.Kill();
        }

        _process.Dispose();
    }
}
