using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using ThreadedLogging.Collector.Security;
using ThreadedLogging.Testing;

namespace ThreadedLogging.Collector.Tests.Hosting;

/// <summary>
/// The appsettings.json beside the program, edited while the collector runs, in a real collector process (a copy of the
/// build output, so that its appsettings.json is the test's own). A half-written file was read again by the framework,
/// which emptied its settings without a word: the next reload of any file (here appsettings.Production.json) took its
/// keys away from the API keys (and its Kestrel endpoints, its logging levels). At start it was .NET's unhandled
/// exception, its stack and SIGABRT (134). Now it behaves as the <c>--config</c> file: the settings last read stay, one
/// warning says why, and a start with a broken file exits 2 naming it.
/// </summary>
public sealed class AppSettingsRereadTests
{
    private const string IngestKey = "ingest-7f3c9a1e5b2d4c8f";
    private const string ReadKey = "read-2b8e6d4a9c1f7e3b";
    private const string SecondReadKey = "read-second-5d1a8c3e9f2b";
    private const string AdminKey = "admin-9e4b2f7a1c6d3e8a";
    private const string Listening = "Now listening on: ";
    private const string ReloadCategory = "ThreadedLogging.Collector.Security.ApiKeyReload";
    private const string NotRead = "Settings file not read";

    // Bounds on a hung or silent child, not timings: a start on a loaded machine, the file watcher's own delay.
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Reread_AppSettingsHalfWritten_KeepsServingWithItsSettingsAndWarns_NextGoodFileTaken()
    {
        using var folder = new TempDirectory();
        var app = CopyOfTheProgram(folder.Path);
        var settings = Path.Combine(app, "appsettings.json");
        var good = Settings(await File.ReadAllTextAsync(settings), ReadKey);
        await File.WriteAllTextAsync(settings, good);
        await using var collector = Start(app, "--data", Path.Combine(folder.Path, "data"), $"--Logging:LogLevel:{ReloadCategory}=Information", "--Logging:LogLevel:Microsoft.AspNetCore.Server.Kestrel=Information");
        var listening = await collector.NextLineAsync(Listening);
        using var http = new HttpClient { BaseAddress = new Uri(listening[(listening.IndexOf(Listening, StringComparison.Ordinal) + Listening.Length)..].Trim()) };

        // Half written, as an editor or a copy leaves it for a moment (replaced whole, so that it is one change).
        Replace(settings, good[..(good.Length / 2)]);

        var warning = await collector.NextLineAsync(NotRead);
        Assert.Contains($"the settings file '{settings}' is not a JSON object of settings", warning, StringComparison.Ordinal);
        Assert.Contains($"warn: {ReloadCategory}[713]", collector.Output, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, await ReadAsync(http, ReadKey));

        Replace(settings, Settings(good, ReadKey, SecondReadKey));

        Assert.Contains("API keys reloaded: 1 ingest, 2 read, 1 admin", await collector.NextLineAsync("API keys"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, await ReadAsync(http, SecondReadKey)); // the endpoint appsettings.json gave was never stopped
        Assert.Equal(HttpStatusCode.OK, await ReadAsync(http, ReadKey));
        Assert.Single(collector.Output.Split('\n'), line => line.Contains(NotRead, StringComparison.Ordinal)); // one per failed read
        Assert.DoesNotContain("API keys not reloaded", collector.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Stopping the following endpoints", collector.Output, StringComparison.Ordinal);
        Assert.False(collector.HasExited);
    }

    /// <summary>
    /// appsettings.json deleted, then written again in pieces (a configuration tool that removes and recreates it, a
    /// deployment that copies it in parts): it is optional at start, so its deletion dropped its settings as the framework
    /// does: Kestrel stopped the endpoint it gave and every request on it failed until the whole file was back. The
    /// settings last read from it now stay while it is missing and while it is half there, one warning per read says so,
    /// and the complete file is taken.
    /// </summary>
    [Fact]
    public async Task Reread_AppSettingsDeletedThenWrittenInPieces_EndpointAndKeysStay_CompleteFileTaken()
    {
        using var folder = new TempDirectory();
        var app = CopyOfTheProgram(folder.Path);
        var settings = Path.Combine(app, "appsettings.json");
        var good = Settings(await File.ReadAllTextAsync(settings), ReadKey);
        await File.WriteAllTextAsync(settings, good);
        await using var collector = Start(app, "--data", Path.Combine(folder.Path, "data"), $"--Logging:LogLevel:{ReloadCategory}=Information", "--Logging:LogLevel:Microsoft.AspNetCore.Server.Kestrel=Information");
        var listening = await collector.NextLineAsync(Listening);
        using var http = new HttpClient { BaseAddress = new Uri(listening[(listening.IndexOf(Listening, StringComparison.Ordinal) + Listening.Length)..].Trim()) };

        File.Delete(settings);

        var missing = await collector.NextLineAsync($"'{settings}'");
        Assert.Contains($"{NotRead}, the settings last read from it stay until it is read whole: the settings file '{settings}' does not exist", missing, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, await ReadAsync(http, ReadKey)); // on the endpoint appsettings.json gave
        Assert.Equal(HttpStatusCode.Unauthorized, await ReadAsync(http, null));

        // Its first piece, written in place (the rest follows once the collector has read this part).
        var rotated = Settings(good, SecondReadKey);
        await File.WriteAllTextAsync(settings, rotated[..(rotated.Length / 2)]);

        Assert.Contains($"the settings file '{settings}' is not a JSON object of settings", await collector.NextLineAsync(NotRead), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, await ReadAsync(http, ReadKey));

        await File.AppendAllTextAsync(settings, rotated[(rotated.Length / 2)..]);

        Assert.Contains("API keys reloaded: 1 ingest, 1 read, 1 admin", await collector.NextLineAsync("API keys"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, await ReadAsync(http, SecondReadKey));
        Assert.Equal(HttpStatusCode.Unauthorized, await ReadAsync(http, ReadKey));
        Assert.DoesNotContain("Stopping the following endpoints", collector.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("is gone", collector.Output, StringComparison.Ordinal);
        Assert.False(collector.HasExited);
    }

    /// <summary>
    /// A key rotation in the <c>--config</c> file while appsettings.json is half written (a deployment still copying it):
    /// every key change was refused while any settings file could not be read, so a leaked key stayed valid until the
    /// other file was whole. The rotation is now taken; the half-written file's settings stay as last read.
    /// </summary>
    [Fact]
    public async Task Reread_KeyRevokedInConfigFileWhileAppSettingsHalfWritten_RevokedKeyRefused()
    {
        using var folder = new TempDirectory();
        var app = CopyOfTheProgram(folder.Path);
        var settings = Path.Combine(app, "appsettings.json");
        var good = Settings(await File.ReadAllTextAsync(settings));
        await File.WriteAllTextAsync(settings, good);
        var config = Path.Combine(folder.Path, "collector.json");
        await File.WriteAllTextAsync(config, Keys(ReadKey));
        await using var collector = Start(app, "--data", Path.Combine(folder.Path, "data"), "--config", config, $"--Logging:LogLevel:{ReloadCategory}=Information");
        var listening = await collector.NextLineAsync(Listening);
        using var http = new HttpClient { BaseAddress = new Uri(listening[(listening.IndexOf(Listening, StringComparison.Ordinal) + Listening.Length)..].Trim()) };
        Replace(settings, good[..(good.Length / 2)]);
        Assert.Contains($"the settings file '{settings}' is not a JSON object of settings", await collector.NextLineAsync($"'{settings}'"), StringComparison.Ordinal);

        // The leaked ReadKey revoked, SecondReadKey in its place.
        Replace(config, Keys(SecondReadKey));

        Assert.Contains("API keys reloaded: 1 ingest, 1 read, 1 admin", await collector.NextLineAsync("API keys"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, await ReadAsync(http, ReadKey));
        Assert.Equal(HttpStatusCode.OK, await ReadAsync(http, SecondReadKey)); // on the endpoint the half-written file gave
        Assert.DoesNotContain("API keys not reloaded", collector.Output, StringComparison.Ordinal);
        Assert.False(collector.HasExited);
    }

    /// <summary>
    /// An optional settings file deleted while the collector runs (appsettings.Production.json) was counted a failed read:
    /// every later key change was refused until a restart, a leaked key's revocation too. Now its settings are gone, as
    /// the framework drops them, one information line says so, and the next rotation in appsettings.json is taken.
    /// </summary>
    [Fact]
    public async Task Reread_OptionalAppSettingsDeleted_ItsSettingsGo_SaidOnce_NextKeyRotationTaken()
    {
        using var folder = new TempDirectory();
        var app = CopyOfTheProgram(folder.Path);
        var settings = Path.Combine(app, "appsettings.json");
        var production = Path.Combine(app, "appsettings.Production.json");
        var good = Settings(await File.ReadAllTextAsync(settings), ReadKey);
        await File.WriteAllTextAsync(settings, good);
        await File.WriteAllTextAsync(production, """{ "Collector": { "MaxQueryLimit": 77 } }""");
        await using var collector = Start(app, "--data", Path.Combine(folder.Path, "data"), $"--Logging:LogLevel:{ReloadCategory}=Information");
        var listening = await collector.NextLineAsync(Listening);
        using var http = new HttpClient { BaseAddress = new Uri(listening[(listening.IndexOf(Listening, StringComparison.Ordinal) + Listening.Length)..].Trim()) };

        File.Delete(production);

        Assert.Contains($"the settings file '{production}' is gone", await collector.NextLineAsync("Settings changed"), StringComparison.Ordinal);

        // The leaked key revoked: ReadKey replaced by SecondReadKey.
        Replace(settings, Settings(good, SecondReadKey));

        Assert.Contains("API keys reloaded: 1 ingest, 1 read, 1 admin", await collector.NextLineAsync("API keys"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, await ReadAsync(http, SecondReadKey));
        Assert.Equal(HttpStatusCode.Unauthorized, await ReadAsync(http, ReadKey));
        Assert.Single(collector.Output.Split('\n'), line => line.Contains("is gone", StringComparison.Ordinal));
        Assert.DoesNotContain("API keys not reloaded", collector.Output, StringComparison.Ordinal);
        Assert.False(collector.HasExited);
    }

    [Fact]
    public async Task Start_AppSettingsNotJson_Exits2InOneLineNamingTheFile()
    {
        using var folder = new TempDirectory();
        var app = CopyOfTheProgram(folder.Path);
        var settings = Path.Combine(app, "appsettings.json");
        await File.WriteAllTextAsync(settings, """{ "Collector": { "DataDirectory": "da""");
        await using var collector = Start(app, "--urls", "http://127.0.0.1:0", "--data", Path.Combine(folder.Path, "data"));

        var (exitCode, output) = await collector.ExitAsync();

        Assert.Equal(2, exitCode);
        Assert.Contains($"Invalid collector configuration: Failed to load configuration from file '{settings}'.", output, StringComparison.Ordinal);
        Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>The program's appsettings.json with a Kestrel endpoint (port 0: the system's choice, read from its line) and its keys, if any.</summary>
    private static string Settings(string appSettings, params string[] readKeys)
    {
        var node = JsonNode.Parse(appSettings)!.AsObject();
        node["Kestrel"] = new JsonObject { ["Endpoints"] = new JsonObject { ["FromFile"] = new JsonObject { ["Url"] = "http://127.0.0.1:0" } } };
        if (readKeys.Length > 0)
        {
            var collector = node["Collector"]!.AsObject();
            collector["IngestApiKeys"] = new JsonArray(IngestKey);
            collector["ReadApiKeys"] = new JsonArray([.. readKeys.Select(k => JsonValue.Create(k))]);
            collector["AdminApiKeys"] = new JsonArray(AdminKey);
        }

        return node.ToJsonString();
    }

    /// <summary>A <c>--config</c> file with the keys only.</summary>
    private static string Keys(string readKey) =>
        new JsonObject { ["Collector"] = new JsonObject { ["IngestApiKeys"] = new JsonArray(IngestKey), ["ReadApiKeys"] = new JsonArray(readKey), ["AdminApiKeys"] = new JsonArray(AdminKey) } }.ToJsonString();

    /// <summary>
    /// The program's folder: the program itself copied (the host takes the folder of its real path as the content root,
    /// where appsettings.json is read), appsettings.json copied, every other file a link to the build output's.
    /// </summary>
    private static string CopyOfTheProgram(string folder)
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

    private static CollectorCopy Start(string app, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.Environment["DOTNET_ENVIRONMENT"] = "Production"; // appsettings.Production.json is the second file read
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.ArgumentList.Add(Path.Combine(app, "ThreadedLogging.Collector.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return new CollectorCopy(Process.Start(start)!);
    }

    /// <summary>Replaces the file whole (written beside it, then renamed over it), as an editor or a deployment does.</summary>
    private static void Replace(string file, string text)
    {
        var next = file + ".next";
        File.WriteAllText(next, text);
        File.Move(next, file, overwrite: true);
    }

    private static async Task<HttpStatusCode> ReadAsync(HttpClient http, string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/events");
        if (key is not null)
        {
            request.Headers.Add(ApiKeyReader.HeaderName, key);
        }

        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>The collector process: its output (both streams) line by line, waited for by what a line holds.</summary>
    private sealed class CollectorCopy : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
        private readonly List<string> _read = [];
        private readonly Task _pumps;

        public CollectorCopy(Process process)
        {
            _process = process;
            _pumps = Task.WhenAll(PumpAsync(process.StandardOutput), PumpAsync(process.StandardError))
                .ContinueWith(_ => _lines.Writer.TryComplete(), TaskScheduler.Default);
        }

        public bool HasExited => _process.HasExited;

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
}
