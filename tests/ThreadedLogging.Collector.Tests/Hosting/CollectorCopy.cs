using System.Diagnostics;
using System.Threading.Channels;

namespace ThreadedLogging.Collector.Tests.Hosting;

/// <summary>The collector process: its output (both streams) line by line, waited for by what a line holds.</summary>
internal sealed class CollectorCopy : IAsyncDisposable
{
    private const string Listening = "Now listening on: ";

    // A bound on a hung or silent child, not a timing: a start on a loaded machine, the file watcher's own delay.
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(2);

    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly List<string> _read = [];
    private readonly Task _pumps;

    /// <summary>
    /// The program's folder: the program itself copied (the host takes the folder of its real path as the content root,
    /// where appsettings.json is read), appsettings.json copied, every other file a link to the build output's.
    /// </summary>
    public static string CopyOfTheProgram(string folder)
    {
        var built = Path.GetDirectoryName(typeof(CollectorApp).Assembly.Location)!;
        var app = Directory.CreateDirectory(Path.Combine(folder, "app")).FullName;
        foreach (var entry in Directory.EnumerateFileSystemEntries(built))
        {
            var name = Path.GetFileName(entry);
            var target = Path.Combine(app, name);
            if (name.StartsWith("ThreadedLogging.Collector.", StringComparison.Ordinal) || name.StartsWith("appsettings", StringComparison.Ordinal))
            {
                File.Copy(entry, target);
            }
            else
            {
                File.CreateSymbolicLink(target, entry);
            }
        }

        return app;
    }

    /// <summary>Starts the program in <paramref name="app"/> (a <see cref="CopyOfTheProgram"/>) in the environment Production.</summary>
    public static CollectorCopy Start(string app, params string[] args) => Start(app, new Dictionary<string, string>(), args);

    /// <summary>The same with more variables in its environment.</summary>
    public static CollectorCopy Start(string app, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        start.Environment["DOTNET_ENVIRONMENT"] = "Production"; // appsettings.Production.json is the second file read
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.ArgumentList.Add(Path.Combine(app, "ThreadedLogging.Collector.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return new CollectorCopy(Process.Start(start)!);
    }

    private CollectorCopy(Process process)
    {
        _process = process;
        _pumps = Task.WhenAll(PumpAsync(process.StandardOutput), PumpAsync(process.StandardError))
            .ContinueWith(_ => _lines.Writer.TryComplete(), TaskScheduler.Default);
    }

    public bool HasExited => _process.HasExited;

    /// <summary>A client of the address the collector listens on, read from its first "Now listening on" line.</summary>
    public async Task<HttpClient> ClientAsync()
    {
        var listening = await NextLineAsync(Listening);
        return new HttpClient { BaseAddress = new Uri(listening[(listening.IndexOf(Listening, StringComparison.Ordinal) + Listening.Length)..].Trim()) };
    }

    /// <summary>The next line holding <paramref name="text"/> (the lines before it are passed over); fails with the output when the process ends first.</summary>
    public async Task<string> NextLineAsync(string text)
    {
        using var bound = new CancellationTokenSource(Bound);
        try
        {
            await foreach (var line in _lines.Reader.ReadAllAsync(bound.Token))
            {
                if (line.Contains(text, StringComparison.Ordinal))
                {
                    return line;
                }
            }
        }
        catch (OperationCanceledException) when (bound.IsCancellationRequested)
        {
            // the bound: said below
        }

        throw new InvalidOperationException($"No line with '{text}' (exited: {_process.HasExited}). Output:\n{Output}");
    }

    /// <summary>Waits for the process to end: its exit code and everything it wrote.</summary>
    public async Task<(int ExitCode, string Output)> ExitAsync()
    {
        using var bound = new CancellationTokenSource(Bound);
        await _process.WaitForExitAsync(bound.Token);
        await _pumps;
        return (_process.ExitCode, Output);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        await _pumps;
        _process.Dispose();
    }

    /// <summary>Gets every line read so far.</summary>
    public string Output
    {
        get
        {
            lock (_read)
            {
                return string.Join('\n', _read);
            }
        }
    }

    private async Task PumpAsync(StreamReader reader)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (_read)
            {
                _read.Add(line);
            }

            _lines.Writer.TryWrite(line);
        }
    }
}
