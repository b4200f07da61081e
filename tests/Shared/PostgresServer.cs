using System.Diagnostics;
using System.Globalization;

namespace ThreadedLogging.Testing;

/// <summary>
/// A real, throwaway PostgreSQL cluster for the tests of one process: <c>initdb</c> + <c>pg_ctl</c> (Debian's
/// postgresql package, installed by scripts/install-test-deps.sh) in a temp folder, run as the <c>postgres</c>
/// user when we are root (initdb refuses root), password authentication, listening on 127.0.0.1 only on a free
/// port. Started on first use, stopped (immediate mode) and deleted once the test process is gone, however it ends (a
/// detached watcher); a cluster left over all the same is stopped and deleted by the next test process that starts one.
/// </summary>
public sealed class PostgresServer
{
    public const string User = "postgres";

    public const string Password = "tl-test-secret";

    private static readonly Lazy<PostgresServer> Shared = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);
    private static int _databases;

    private readonly string _bin;
    private readonly string _root;

    private PostgresServer(string bin, string root, int port)
    {
        _bin = bin;
        _root = root;
        Port = port;
    }

    /// <summary>Gets the server of this test process, starting it on first use.</summary>
    public static PostgresServer Instance => Shared.Value;

    /// <summary>Starts a cluster of the caller's own (tests that stop it: the shared one serves tests running in parallel).</summary>
    public static PostgresServer StartPrivate() => Start();

    public int Port { get; }

    /// <summary>Gets the folder of the server's programs, and of its client tools (<c>pg_dump</c>, <c>pg_restore</c>).</summary>
    public string BinDirectory => _bin;

    /// <summary>Gets the data directory (tests that stop and start the server).</summary>
    public string DataDirectory => Path.Combine(_root, "data");

    /// <summary>
    /// A connection string to <paramref name="database"/> with the right password. Its <c>Timeout</c> bounds a hang, not a
    /// speed: a cold collector process opening its first connection (the open also loads the server's types) at a load
    /// average of 18 on two cores ran out of 10 s ("The operation has timed out" in Npgsql's LoadBackendTypes, the
    /// collector exiting before it listened: MultiCollectorTests, once).
    /// </summary>
    public string ConnectionString(string database, string password = Password) =>
        $"Host=127.0.0.1;Port={Port.ToString(CultureInfo.InvariantCulture)};Username={User};Password={password};Database={database};Timeout=60";

    /// <summary>Gets the collector's command-line arguments that make it store into <paramref name="database"/> on this server.</summary>
    public string[] CollectorArguments(string database) => ["--Collector:Store=postgres", "--ConnectionStrings:Events=" + ConnectionString(database)];

    /// <summary>
    /// Completes with the first line the server logs from now on that <paramref name="match"/> takes: a signal from the server
    /// itself, such as a lock wait (it logs each wait longer than <c>deadlock_timeout</c>, "process 1234 still waiting for …
    /// after 1000.1 ms", its lines prefixed with the time, the process id and the database). The log file is watched
    /// (inotify), not polled; call this before what is to make the line. Cancelled, it ends with an
    /// <see cref="OperationCanceledException"/> and stops watching: a test that fails does not leave its watcher behind.
    /// </summary>
    public Task<string> NextLogLineAsync(Func<string, bool> match, CancellationToken cancellationToken)
    {
        var log = Path.Combine(_root, "log");
        var file = new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        file.Seek(0, SeekOrigin.End);
        var written = new SemaphoreSlim(0);
        var watcher = new FileSystemWatcher(_root, "log") { NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.Size };
        watcher.Changed += (_, _) => written.Release();
        watcher.EnableRaisingEvents = true;
        return ReadAsync();

        async Task<string> ReadAsync()
        {
            using (watcher)
            using (written)
            using (var reader = new StreamReader(file))
            {
                var text = new System.Text.StringBuilder();
                var buffer = new char[4096];
                while (true)
                {
                    int read;
                    while ((read = await reader.ReadAsync(buffer, cancellationToken)) > 0)
                    {
                        text.Append(buffer, 0, read);
                    }

                    // Whole lines only: the server may have written part of one.
                    var lines = text.ToString();
                    var end = lines.LastIndexOf('\n');
                    foreach (var line in lines[..(end + 1)].Split('\n'))
                    {
                        if (match(line))
                        {
                            return line;
                        }
                    }

                    text.Remove(0, end + 1);
                    await written.WaitAsync(cancellationToken);
                }
            }
        }
    }

    /// <summary>Creates a new, empty database and returns its name.</summary>
    public string CreateDatabase()
    {
        var name = "tl_" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "_" + Interlocked.Increment(ref _databases).ToString(CultureInfo.InvariantCulture);
        Psql($"CREATE DATABASE {name}");
        return name;
    }

    /// <summary>Drops a database, closing its connections.</summary>
    public void DropDatabase(string name) => Psql($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");

    /// <summary>Stops the server (immediate: like a crash of the database host); <see cref="Restart"/> brings it back.</summary>
    public void Stop() => Run(Path.Combine(_bin, "pg_ctl"), "-D", DataDirectory, "-m", "immediate", "-w", "stop");

    public void Restart() => StartServer(_bin, _root, Port);

    private void Psql(string sql)
    {
        var start = new ProcessStartInfo(Path.Combine(_bin, "psql")) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in (string[])["-h", "127.0.0.1", "-p", Port.ToString(CultureInfo.InvariantCulture), "-U", User, "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-c", sql])
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["PGPASSWORD"] = Password;
        Wait(start);
    }

    private static PostgresServer Start()
    {
        var bin = FindBin();
        ReapOrphans(bin);
        var root = Path.Combine(Path.GetTempPath(), "tl-pg-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        File.WriteAllText(Path.Combine(root, OwnerFile), OwnerStamp(Environment.ProcessId));
        var passwordFile = Path.Combine(root, "pw");
        File.WriteAllText(passwordFile, Password);
        if (IsRoot)
        {
            Run("chown", "-R", $"{User}:{User}", root);
        }

        Run(Path.Combine(bin, "initdb"), "-D", Path.Combine(root, "data"), "-U", User, "--pwfile", passwordFile, "-A", "scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync");
        var port = StartOnFreePort(bin, root);
        StopWhenGone(bin, root);
        return new PostgresServer(bin, root, port);
    }

    /// <summary>
    /// Starts a detached shell (its own session, its output to /dev/null) that stops and deletes the cluster once this
    /// process is gone, however it ends. A ProcessExit handler was not enough: it does not run on a kill, and the test
    /// host is killed when its exit outlasts a grace period — as when the library's own exit flush waits for handlers a
    /// test left undisposed — which left the cluster running, or its folder behind, until the next test process reaped it.
    /// </summary>
    private static void StopWhenGone(string bin, string root)
    {
        var pgCtl = (IsRoot ? $"runuser -u {User} -- " : string.Empty) + Path.Combine(bin, "pg_ctl");
        var owner = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        var script = $"exec </dev/null >/dev/null 2>&1; while kill -0 {owner}; do sleep 1; done; {pgCtl} -D '{root}/data' -m immediate -w stop; rm -rf '{root}'";
        var start = new ProcessStartInfo("setsid") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in (string[])["sh", "-c", script])
        {
            start.ArgumentList.Add(arg);
        }

        Process.Start(start)?.Dispose();
    }

    private const string OwnerFile = "owner";

    /// <summary>Stops and deletes the clusters of test processes that are gone (renamed first: one reaper per cluster).</summary>
    private static void ReapOrphans(string bin)
    {
        foreach (var root in Directory.GetDirectories(Path.GetTempPath(), "tl-pg-*"))
        {
            try
            {
                var ownerPath = Path.Combine(root, OwnerFile);
                if (!File.Exists(ownerPath) || IsAlive(File.ReadAllText(ownerPath)))
                {
                    continue;
                }

                var claimed = Path.Combine(Path.GetTempPath(), "tl-pg-reaping-" + Guid.NewGuid().ToString("N"));
                Directory.Move(root, claimed);
                if (File.Exists(Path.Combine(claimed, "data", "postmaster.pid")))
                {
                    Run(Path.Combine(bin, "pg_ctl"), "-D", Path.Combine(claimed, "data"), "-m", "immediate", "-w", "stop");
                }

                Directory.Delete(claimed, recursive: true);
            }
            catch (Exception e) when (e is IOException or InvalidOperationException or UnauthorizedAccessException)
            {
                // Another process reaped it first, or it is still being set up: leave it.
            }
        }
    }

    /// <summary>
    /// "pid start": the process's start in clock ticks since boot (<c>/proc/pid/stat</c>, field 22), a pid alone
    /// could have been reused by a later process. It is the kernel's own number, the same whichever process reads it.
    /// <c>Process.StartTime</c> is not: it adds an estimate of the boot time that differs by milliseconds from one
    /// process to the next, so a live cluster looked orphaned to a second test process (two test projects run at once
    /// by <c>dotnet test</c> on the solution), which stopped it under its owner's tests.
    /// </summary>
    internal static string OwnerStamp(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' '); // after "pid (comm) ": field 3 on
        return pid.ToString(CultureInfo.InvariantCulture) + " " + fields[22 - 3];
    }

    private static bool IsAlive(string stamp)
    {
        var parts = stamp.Split(' ');
        if (parts.Length != 2 || !int.TryParse(parts[0], CultureInfo.InvariantCulture, out var pid))
        {
            return true;
        }

        try
        {
            return OwnerStamp(pid) == stamp.Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false; // no such process any more
        }
    }

    /// <summary>
    /// Starts the server on a free port and returns it. PostgreSQL cannot be told port 0 and say which it took, so it is given
    /// a free one (<see cref="FreeTcpPort"/>): when another process took that port first, the server's log says the address was
    /// in use, and it is started again on another.
    /// </summary>
    private static int StartOnFreePort(string bin, string root)
    {
        var log = Path.Combine(root, "log");
        for (var attempt = 1; ; attempt++)
        {
            var port = FreeTcpPort.Next();
            var logged = File.Exists(log) ? new FileInfo(log).Length : 0;
            try
            {
                StartServer(bin, root, port);
                return port;
            }
            catch (InvalidOperationException) when (attempt < FreeTcpPort.Attempts && LogSince(log, logged).Contains("Address already in use", StringComparison.Ordinal))
            {
                // taken between FreeTcpPort and the server's bind: another port
            }
        }
    }

    private static string LogSince(string log, long offset)
    {
        using var file = new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        file.Seek(offset, SeekOrigin.Begin);
        using var reader = new StreamReader(file);
        return reader.ReadToEnd();
    }

    private static void StartServer(string bin, string root, int port) =>
        Run(Path.Combine(bin, "pg_ctl"), "-D", Path.Combine(root, "data"), "-l", Path.Combine(root, "log"), "-w", "-o",
            $"-k {root} -h 127.0.0.1 -p {port.ToString(CultureInfo.InvariantCulture)} -c fsync=off -c max_connections=300 -c log_lock_waits=on -c 'log_line_prefix=%m [%p] %d: '", "start");

    private static bool IsRoot => Environment.UserName == "root";

    /// <summary>Runs a server command, as the postgres user when we are root.</summary>
    private static void Run(string file, params string[] args)
    {
        var asPostgres = IsRoot && file != "chown";
        var start = new ProcessStartInfo(asPostgres ? "runuser" : file) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        if (asPostgres)
        {
            foreach (var arg in (string[])["-u", User, "--", file])
            {
                start.ArgumentList.Add(arg);
            }
        }

        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        Wait(start);
    }

    private static void Wait(ProcessStartInfo start)
    {
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {start.FileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        // A bound on a hung tool, not a timing assertion.
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{start.FileName} {string.Join(' ', start.ArgumentList)} did not finish.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{start.FileName} {string.Join(' ', start.ArgumentList)} failed ({process.ExitCode}): {stderr.Result} {stdout.Result}");
        }
    }

    private static string FindBin()
    {
        var versions = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Where(d => File.Exists(Path.Combine(d, "bin", "initdb"))).OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0).ToList()
            : [];
        return versions.Count > 0
            ? Path.Combine(versions[0], "bin")
            : throw new InvalidOperationException("PostgreSQL is not installed (/usr/lib/postgresql/*/bin/initdb): run scripts/install-test-deps.sh.");
    }
}
