using System.Diagnostics;

namespace ThreadedLogging.Testing;

/// <summary>
/// A real HTTP forward proxy (or a reverse one, <see cref="StartReverseAsync"/>): Debian's tinyproxy (installed by scripts/install-test-deps.sh), started in the foreground on
/// 127.0.0.1 with a config of its own, answering only this machine, optionally asking for Basic credentials. It adds a
/// <c>Via</c> header naming itself to what it forwards, which is how a test sees that a request went through it; a
/// <c>CONNECT</c> tunnel (https) carries no such header, and is seen in its log instead (<see cref="LineAsync"/>).
/// </summary>
public sealed class TinyProxy : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;
    private readonly List<string> _lines = [];
    private readonly List<(string Text, int Nth, TaskCompletionSource<string> Seen)> _awaited = [];

    private TinyProxy(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    /// <summary>
    /// The first line of its log (since its start) that contains <paramref name="text"/>, when it has said it: for a
    /// tunnel, <c>Request (file descriptor 5): CONNECT localhost:443 HTTP/1.1</c>. Faults if it exits before.
    /// </summary>
    public Task<string> LineAsync(string text) => LineAsync(text, 1);

    /// <summary>
    /// The <paramref name="nth"/> line of its log (since its start, 1-based) that contains <paramref name="text"/>, when it
    /// has said it: e.g. its 25th <c>Request</c> line, the 25th request it took. Faults if it exits before.
    /// </summary>
    public Task<string> LineAsync(string text, int nth)
    {
        lock (_lines)
        {
            var said = _lines.Where(line => line.Contains(text, StringComparison.Ordinal)).Skip(nth - 1).FirstOrDefault();
            if (said is not null)
            {
                return Task.FromResult(said);
            }

            var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            _awaited.Add((text, nth, seen));
            return seen.Task;
        }
    }

    /// <summary>
    /// Starts tinyproxy; with <paramref name="user"/>, every request must carry that user and <paramref name="password"/>.
    /// tinyproxy cannot be told port 0 (it requires a port), so it is given a free one (<see cref="FreeTcpPort"/>): when another
    /// process took that port first, tinyproxy exits saying it could not listen, and is started again on another.
    /// </summary>
    public static Task<TinyProxy> StartAsync(string? user = null, string? password = null) => StartCoreAsync(user, password, null);

    /// <summary>
    /// Starts tinyproxy as a reverse proxy in front of <paramref name="upstream"/> (<c>ReversePath "/"</c>, <c>ReverseOnly</c>):
    /// a request to its port is passed on to the same path there, with the Host rewritten to the upstream's, a <c>Via</c>
    /// header naming tinyproxy and <c>X-Tinyproxy</c> naming the client's address, as a reverse proxy on the same machine does.
    /// </summary>
    public static Task<TinyProxy> StartReverseAsync(Uri upstream) => StartCoreAsync(null, null, upstream);

    private static async Task<TinyProxy> StartCoreAsync(string? user, string? password, Uri? reverseTo)
    {
        for (var attempt = 1; ; attempt++)
        {
            var (proxy, failure, portTaken) = await TryStartAsync(user, password, reverseTo);
            if (proxy is not null)
            {
                return proxy;
            }

            if (!portTaken || attempt == FreeTcpPort.Attempts)
            {
                throw new InvalidOperationException("tinyproxy did not start listening:\n" + failure);
            }
        }
    }

    private static async Task<(TinyProxy? Proxy, string Failure, bool PortTaken)> TryStartAsync(string? user, string? password, Uri? reverseTo)
    {
        var directory = Directory.CreateTempSubdirectory("tl-proxy-").FullName;
        var port = FreeTcpPort.Next();
        var config = Path.Combine(directory, "tinyproxy.conf");
        await File.WriteAllTextAsync(config, $"""
            Port {port}
            Listen 127.0.0.1
            Allow 127.0.0.1
            Timeout 60
            MaxClients 20
            LogLevel Info
            {(user is null ? "" : $"BasicAuth {user} {password}")}
            {(reverseTo is null ? "" : $"ReversePath \"/\" \"{reverseTo.GetLeftPart(UriPartial.Authority)}/\"\nReverseOnly Yes\nXTinyproxy Yes")}
            """);
        // -d: in the foreground, its log on standard output; stdbuf makes that line-buffered, so "Accepting connections" arrives when it is said.
        var start = new ProcessStartInfo("stdbuf", ["-oL", "tinyproxy", "-d", "-c", config]) { RedirectStandardError = true, RedirectStandardOutput = true };
        var process = Process.Start(start) ?? throw new InvalidOperationException("tinyproxy did not start");
        var proxy = new TinyProxy(process, directory, port);
        var errors = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var seen = new List<string>();
        try
        {
            while (await process.StandardOutput.ReadLineAsync(cancel.Token) is { } line)
            {
                seen.Add(line);
                proxy.Said(line);
                if (line.Contains("Accepting connections", StringComparison.Ordinal))
                {
                    _ = proxy.ReadLogAsync(); // its log from now on: read, so that it never blocks on a full pipe
                    return (proxy, string.Empty, false);
                }
            }
        }
        catch (OperationCanceledException)
        {
            seen.Add("(no 'Accepting connections' within 30 s)");
        }

        await proxy.DisposeAsync(); // killed: never left running after a failed start
        var said = await errors;
        // Its only word on a port another process holds ("Could not create listening sockets.", exit 71).
        return (null, string.Join('\n', seen) + "\n" + said, said.Contains("Could not create listening sockets", StringComparison.Ordinal));
    }

    private async Task ReadLogAsync()
    {
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
        {
            Said(line);
        }

        lock (_lines)
        {
            foreach (var (text, _, seen) in _awaited)
            {
                seen.TrySetException(new InvalidOperationException($"tinyproxy's log ended without a line containing '{text}'."));
            }

            _awaited.Clear();
        }
    }

    private void Said(string line)
    {
        lock (_lines)
        {
            _lines.Add(line);
            foreach (var (_, _, seen) in _awaited.Where(a => line.Contains(a.Text, StringComparison.Ordinal) && _lines.Count(l => l.Contains(a.Text, StringComparison.Ordinal)) >= a.Nth))
            {
                seen.TrySetResult(line);
            }

            _awaited.RemoveAll(a => a.Seen.Task.IsCompleted);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
