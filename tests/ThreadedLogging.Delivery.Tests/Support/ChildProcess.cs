using System.Diagnostics;
using System.Threading.Channels;

namespace ThreadedLogging.Delivery.Tests.Support;

/// <summary>A real child process (a built .dll run with dotnet) whose output lines the test can wait for.</summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly List<string> _all = [];
    private int _openStreams = 2; // stdout and stderr: the lines end when both have

    private ChildProcess(Process process)
    {
        _process = process;
    }

    public IReadOnlyList<string> Output
    {
        get
        {
            lock (_all)
            {
                return [.. _all];
            }
        }
    }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Sends the process SIGTERM, as a service manager or <c>docker stop</c> ends it (Unix).</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <summary>Gets the configuration this test project was built in (Debug, Release): the projects it runs were built in it too.</summary>
    public static string Configuration { get; } = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name; // .../tests/X/bin/<Configuration>/net10.0/

    /// <summary>Gets the repository's root (the folder of ThreadedLogging.sln).</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>Starts <c>dotnet exec</c> on a project's built assembly (found next to this test's own build output).</summary>
    public static ChildProcess Start(string project, string assemblyName, params string[] args) => Start(new Dictionary<string, string>(), project, assemblyName, args);

    /// <summary>As <see cref="Start(string, string, string[])"/>, with <paramref name="environment"/> set in the child's environment.</summary>
    public static ChildProcess Start(IReadOnlyDictionary<string, string> environment, string project, string assemblyName, params string[] args)
    {
        var dll = Path.Combine(RepositoryRoot, project, "bin", Configuration, "net10.0", assemblyName + ".dll");
        return StartDotnet(Path.GetDirectoryName(dll)!, environment, ["exec", dll, .. args]);
    }

    /// <summary>Starts the <c>dotnet</c> command with <paramref name="args"/> (<c>build</c>, <c>pack</c>, an app's .dll) in <paramref name="workingDirectory"/>.</summary>
    public static ChildProcess StartDotnet(string workingDirectory, params string[] args) => StartDotnet(workingDirectory, new Dictionary<string, string>(), args);

    private static ChildProcess StartDotnet(string workingDirectory, IReadOnlyDictionary<string, string> environment, string[] args)
    {
        var start = new ProcessStartInfo("dotnet", args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = workingDirectory,
        };
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }
        var process = new Process { StartInfo = start };
        var child = new ChildProcess(process);
        process.OutputDataReceived += (_, e) => child.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => child.OnLine(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>
    /// Waits for an output line containing <paramref name="text"/> (a signal from the child, not a sleep); throws
    /// <see cref="ChildExitedException"/> as soon as the child's output ends without one. The default bound is a hang
    /// guard, longer than any bound of the child's own (its 60 s flush, after its start on a loaded machine): the test
    /// then fails with the child's own report, not on a guard that a slow machine reaches first.
    /// </summary>
    public async Task<string> WaitForLineAsync(string text, TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(3));
        try
        {
            while (true)
            {
                var line = await _lines.Reader.ReadAsync(cancel.Token);
                if (line.Contains(text, StringComparison.Ordinal))
                {
                    return line;
                }
            }
        }
        catch (ChannelClosedException)
        {
            throw new ChildExitedException($"The child's output ended with no line with '{text}'. Its output:\n{string.Join('\n', Output)}");
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No line with '{text}'. Output so far:\n{string.Join('\n', Output)}");
        }
    }

    /// <summary>Writes a line to the child's input (a signal to the child).</summary>
    public async Task WriteLineAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    public async Task<int> WaitForExitAsync(TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(90));
        await _process.WaitForExitAsync(cancel.Token);
        return _process.ExitCode;
    }

    /// <summary>SIGKILL: no shutdown code runs, as when the user kills the app or the machine dies.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    private static string FindRepositoryRoot()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "ThreadedLogging.sln")))
        {
            root = root.Parent;
        }

        return root?.FullName ?? throw new InvalidOperationException("ThreadedLogging.sln not found above " + AppContext.BaseDirectory);
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            if (Interlocked.Decrement(ref _openStreams) == 0)
            {
                _lines.Writer.TryComplete(); // the child closed both streams: it has exited (or is about to)
            }

            return;
        }

        lock (_all)
        {
            _all.Add(line);
        }

        _lines.Writer.TryWrite(line);
    }
}

