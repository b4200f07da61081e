using System.Diagnostics;
using ThreadedLogging.Collector.Tests.Support;
using ThreadedLogging.Testing;

namespace ThreadedLogging.Collector.Tests.Security;

/// <summary>The real executable refuses a bad or unsafe configuration: message on stderr naming the setting, exit code 2, nothing bound.</summary>
public sealed class ProgramExitTests
{
    [Fact]
    public async Task Main_NonLoopbackWithoutKeys_ExitsWithMessage()
    {
        using var data = new TempDirectory();

        var (exitCode, stdout, stderr) = await RunCollectorAsync("--urls", "http://0.0.0.0:0", "--data", data.Path);

        Assert.Equal(2, exitCode);
        Assert.Contains("Refusing to listen on http://0.0.0.0:0", stderr, StringComparison.Ordinal);
        Assert.Contains("Collector:IngestApiKeys", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Main_UnknownStore_ExitsNamingTheSetting()
    {
        using var data = new TempDirectory();

        var (exitCode, stdout, stderr) = await RunCollectorAsync("--urls", "http://127.0.0.1:0", "--data", data.Path, "--Collector:Store=mongo");

        Assert.Equal(2, exitCode);
        Assert.Contains("Collector:Store must be 'sqlite' or 'postgres' (was 'mongo')", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Main_PostgresWithoutConnectionString_ExitsNamingTheSetting()
    {
        var (exitCode, _, stderr) = await RunCollectorAsync("--urls", "http://127.0.0.1:0", "--Collector:Store=postgres");

        Assert.Equal(2, exitCode);
        Assert.Contains("ConnectionStrings:Events is not set", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Main_PostgresWrongPassword_ExitsNamingTheSettingWithoutThePassword()
    {
        var server = PostgresServer.Instance;

        var (exitCode, stdout, stderr) = await RunCollectorAsync("--urls", "http://127.0.0.1:0", "--Collector:Store=postgres", "--ConnectionStrings:Events=" + server.ConnectionString("postgres", password: "wrong-secret"));

        Assert.Equal(2, exitCode);
        Assert.Contains("ConnectionStrings:Events", stderr, StringComparison.Ordinal);
        Assert.Contains("password authentication failed", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-secret", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Main_PostgresUnreachable_Exits3InOneLineNamingTheSetting()
    {
        const int port = 9; // nothing listens (discard); a free port picked and let go may be handed to another test's server

        var (exitCode, stdout, stderr) = await RunCollectorAsync("--urls", "http://127.0.0.1:0", "--Collector:Store=postgres", $"--ConnectionStrings:Events=Host=127.0.0.1;Port={port};Username=u;Password=p;Database=d;Timeout=5");

        Assert.Equal(3, exitCode); // transient: systemd restarts it (RestartPreventExitStatus=2 only)
        Assert.Contains("ConnectionStrings:Events", stderr, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{port}", stderr, StringComparison.Ordinal);
        AssertOneLineWithoutAStackTrace(stdout, stderr); // the host logged ~60 lines
    }

    [Fact]
    public async Task Main_ListenPortInUse_Exits3InOneLineNamingTheAddress()
    {
        using var data = new TempDirectory();
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;

        var (exitCode, stdout, stderr) = await RunCollectorAsync("--urls", $"http://127.0.0.1:{port}", "--data", data.Path);

        Assert.Equal(3, exitCode); // was an unhandled IOException: SIGABRT, 134
        Assert.Contains($"http://127.0.0.1:{port}", stderr, StringComparison.Ordinal);
        Assert.Contains("address already in use", stderr, StringComparison.Ordinal);
        Assert.Contains("give this one another address, --urls http://127.0.0.1:5081 (after -- with dotnet run)", stderr, StringComparison.Ordinal); // README's first command, 5080 taken
        AssertOneLineWithoutAStackTrace(stdout, stderr);
    }

    [Fact]
    public async Task Main_ListenAddressNotOnThisMachine_Exits3InOneLineNamingTheAddress()
    {
        using var data = new TempDirectory();
        const string url = "http://192.0.2.1:0"; // TEST-NET-1 (RFC 5737): on no interface of this machine

        var (exitCode, stdout, stderr) = await RunCollectorAsync(
            "--urls", url, "--data", data.Path, "--Collector:IngestApiKeys:0=ingest-key-0123456789", "--Collector:ReadApiKey=read-key-0123456789");

        Assert.Equal(3, exitCode); // was an unhandled SocketException: its stack trace and SIGABRT, 134
        Assert.Contains($"Cannot listen on {url}", stderr, StringComparison.Ordinal);
        Assert.Contains("Cannot assign requested address", stderr, StringComparison.Ordinal);
        AssertOneLineWithoutAStackTrace(stdout, stderr);
    }

    [Theory]
    [InlineData("no certificate")]
    [InlineData("missing file")]
    [InlineData("not a certificate")]
    public async Task Main_HttpsWithoutALoadableCertificate_Exits2InOneLineNamingTheSetting(string mistake)
    {
        // README's TLS setup with its likeliest mistakes: each was an unhandled exception (stack trace, SIGABRT, 134).
        using var data = new TempDirectory();
        const string url = "https://127.0.0.1:0";
        var certificate = Path.Combine(data.Path, "collector.crt");
        if (mistake == "not a certificate")
        {
            await File.WriteAllTextAsync(certificate, "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n");
            await File.WriteAllTextAsync(Path.Combine(data.Path, "collector.key"), "not a key");
        }

        string[] tls = mistake == "no certificate"
            ? ["--urls", url]
            : ["--Kestrel:Endpoints:Https:Url=" + url, "--Kestrel:Endpoints:Https:Certificate:Path=" + certificate, "--Kestrel:Endpoints:Https:Certificate:KeyPath=" + Path.Combine(data.Path, "collector.key")];

        var (exitCode, stdout, stderr) = await RunCollectorAsync([.. tls, "--data", Path.Combine(data.Path, "data")]);

        Assert.Equal(2, exitCode);
        Assert.Contains($"Cannot serve https on {url}", stderr, StringComparison.Ordinal);
        Assert.Contains("Kestrel:Endpoints:<name>:Certificate:Path", stderr, StringComparison.Ordinal);
        AssertOneLineWithoutAStackTrace(stdout, stderr);
    }

    [Fact]
    public async Task Main_PostgresReadReplicaWrongPassword_ExitsNamingTheSettingWithoutThePassword()
    {
        await using var database = PostgresDatabase.Create();

        var (exitCode, stdout, stderr) = await RunCollectorAsync(["--urls", "http://127.0.0.1:0", .. database.CollectorArguments, "--ConnectionStrings:EventsRead=" + database.ConnectionString(password: "wrong-reader-secret")]);

        Assert.Equal(2, exitCode);
        Assert.Contains("ConnectionStrings:EventsRead", stderr, StringComparison.Ordinal);
        Assert.Contains("password authentication failed", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-reader-secret", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Main_PostgresReadReplicaUnreachable_Exits3InOneLineNamingTheSetting()
    {
        await using var database = PostgresDatabase.Create();
        const int port = 9; // nothing listens (discard); a free port picked and let go may be handed to another test's server

        var (exitCode, stdout, stderr) = await RunCollectorAsync(["--urls", "http://127.0.0.1:0", .. database.CollectorArguments, $"--ConnectionStrings:EventsRead=Host=127.0.0.1;Port={port};Username=u;Password=reader-secret;Database=d;Timeout=5"]);

        Assert.Equal(3, exitCode); // transient, as the primary's: systemd restarts it (was 2, never restarted)
        Assert.Contains("ConnectionStrings:EventsRead", stderr, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{port}", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("reader-secret", stderr, StringComparison.Ordinal);
        AssertOneLineWithoutAStackTrace(stdout, stderr);
    }

    [Fact]
    public async Task Main_SqliteWithReadReplica_ExitsNamingTheSetting()
    {
        using var data = new TempDirectory();

        var (exitCode, _, stderr) = await RunCollectorAsync("--urls", "http://127.0.0.1:0", "--data", data.Path, "--ConnectionStrings:EventsRead=Host=replica;Database=logs");

        Assert.Equal(2, exitCode);
        Assert.Contains("ConnectionStrings:EventsRead is set but Collector:Store is 'sqlite'", stderr, StringComparison.Ordinal);
    }

    /// <summary>
    /// The helper's bound on a collector that does not exit (it serves): the run fails saying so with what the collector
    /// wrote, and the collector is not left running. The bound is the thing tested here, not a timing: a serving collector
    /// never exits by itself, however soon or late the bound passes.
    /// </summary>
    [Fact]
    public async Task RunCollector_StillRunningAtTheBound_KilledAndFailsWithItsOutput()
    {
        using var data = new TempDirectory();
        try
        {
            var e = await Assert.ThrowsAsync<TimeoutException>(() => RunCollectorAsync(TimeSpan.FromSeconds(2), new Dictionary<string, string>(), "--urls", "http://127.0.0.1:0", "--data", data.Path));

            Assert.Contains("did not exit within 00:00:02", e.Message, StringComparison.Ordinal);
            Assert.Contains("Its output:", e.Message, StringComparison.Ordinal);
            Assert.Empty(ProcessesNaming(data.Path));
        }
        finally
        {
            foreach (var pid in ProcessesNaming(data.Path))
            {
                try
                {
                    using var left = Process.GetProcessById(pid); // this test's collector, left running
                    left.Kill(entireProcessTree: true);
                }
                catch (Exception e) when (e is ArgumentException or InvalidOperationException)
                {
                    // exited meanwhile
                }
            }
        }
    }

    /// <summary>
    /// A start that failed said in one line on stderr, with no stack trace on either stream. A failure's message holds both
    /// streams whole: xUnit shows a window of ~40 characters around a mismatch, too little to tell which log entry it was.
    /// </summary>
    private static void AssertOneLineWithoutAStackTrace(string stdout, string stderr)
    {
        var output = $"Its output:\n{stdout}\nIts errors:\n{stderr}";
        Assert.True(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length == 1, "Not one line on stderr. " + output);
        Assert.False(output.Contains("   at ", StringComparison.Ordinal), "A stack trace. " + output);
    }

    /// <summary>Runs the collector's executable to its exit.</summary>
    internal static Task<(int ExitCode, string Stdout, string Stderr)> RunCollectorAsync(params string[] args) =>
        RunCollectorAsync(new Dictionary<string, string>(), args);

    /// <summary>Runs the collector's executable to its exit, with settings in its environment as an operator sets them.</summary>
    internal static Task<(int ExitCode, string Stdout, string Stderr)> RunCollectorAsync(IReadOnlyDictionary<string, string> environment, params string[] args) =>
        RunCollectorAsync(TimeSpan.FromMinutes(2), environment, args);

    /// <summary>
    /// Runs the collector's executable to its exit. Past <paramref name="bound"/> (a bound on a hung child, not a timing
    /// assertion) the collector and its children are killed, and the run fails with what it wrote until then.
    /// </summary>
    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunCollectorAsync(TimeSpan bound, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        start.ArgumentList.Add(typeof(CollectorApp).Assembly.Location);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(bound);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException(
                $"The collector ({string.Join(' ', args)}) did not exit within {bound:c}: killed.\nIts output:\n{await stdout}\nIts errors:\n{await stderr}");
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>The live processes whose command line holds <paramref name="text"/>.</summary>
    private static List<int> ProcessesNaming(string text)
    {
        var found = new List<int>();
        foreach (var entry in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(entry), out var pid))
            {
                continue;
            }

            try
            {
                if (File.ReadAllText(Path.Combine(entry, "cmdline")).Contains(text, StringComparison.Ordinal))
                {
                    found.Add(pid);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // gone meanwhile
            }
        }

        return found;
    }
}
