using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Collector.Security;
using ThreadedLogging.Collector.Tests.Support;
using ThreadedLogging.Testing;

namespace ThreadedLogging.Collector.Tests;

/// <summary>
/// <c>--config &lt;file&gt;</c>: the operator's settings file (the appsettings beside the program are overwritten by a
/// publish); read after the appsettings and before the environment and the command line, checked as they are.
/// </summary>
public sealed class ConfigFileTests
{
    [Fact]
    public async Task Start_SettingsInTheFile_Applied()
    {
        using var folder = new TempDirectory();
        var file = Write(folder, """{ "Collector": { "ReadApiKey": "read-key-from-file" } }""");
        await using var collector = await CollectorFixture.StartAsync("--config", file);

        var (status, _) = await Http.SendAsync(collector.Client, HttpMethod.Get, "api/events", null, null);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Fact]
    public void ReadOptions_FileAndCommandLine_TheCommandLineWins()
    {
        using var folder = new TempDirectory();
        var file = Write(folder, """{ "Collector": { "MaxQueryLimit": 77, "MaxExportEvents": 12345 } }""");

        var options = CollectorApp.ReadOptions(["--config=" + file, "--Collector:MaxQueryLimit=88"]);

        Assert.Equal((88, 12345), (options.MaxQueryLimit, options.MaxExportEvents));
    }

    [Theory]
    [InlineData("""{ "Colector": { "ReadApiKey": "k" } }""", "'Colector' (Colector:ReadApiKey, from {0}) is no section the collector reads: did you mean 'Collector'?")]
    [InlineData("""{ "Collector": { "MaxAgee": 1 } }""", "Collector:MaxAgee is not a setting")]
    [InlineData("""{ "Collector": """, "the settings file '{0}' (--config) is not a JSON object of settings")]
    public void ReadOptions_FileWithAMistake_RefusedNamingIt(string json, string reason)
    {
        using var folder = new TempDirectory();
        var file = Write(folder, json);

        var error = Assert.Throws<CollectorConfigurationException>(() => CollectorApp.ReadOptions(["--config", file]));

        Assert.Contains(string.Format(System.Globalization.CultureInfo.InvariantCulture, reason, file), error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--config", "--data", "x")]
    [InlineData("--config=")]
    [InlineData("--data", "x", "--config")]
    public void ReadOptions_SwitchWithoutAFile_RefusedSayingHow(params string[] args)
    {
        var error = Assert.Throws<CollectorConfigurationException>(() => CollectorApp.ReadOptions(args));

        Assert.Contains("--config needs a file", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--Config")]
    [InlineData("/config")]
    public void ReadOptions_SwitchInAnotherSpelling_TheFileIsRead(string spelling)
    {
        using var folder = new TempDirectory();
        var file = Write(folder, """{ "Collector": { "MaxQueryLimit": 77 } }""");

        var options = CollectorApp.ReadOptions([spelling, file]);

        Assert.Equal(77, options.MaxQueryLimit);
    }

    /// <summary>
    /// A re-read of the file that fails (an editor's half-written file; the file missing for a moment, as a
    /// write-new-then-rename leaves it) kept the keys but emptied every other setting the file gave: Kestrel stopped an
    /// endpoint configured in it, logging levels fell back. The settings last read now stay until a read succeeds.
    /// </summary>
    [Theory]
    [InlineData(false, "is not a JSON object of settings")]
    [InlineData(true, "does not exist")]
    public async Task Reread_FileHalfWrittenOrGone_SettingsKept_EndpointAndKeysStillWork_NextGoodFileTaken(bool delete, string reason)
    {
        using var folder = new TempDirectory();
        using var reloads = new LogSignal(typeof(ApiKeyReload).FullName!);
        var file = Path.Combine(folder.Path, "collector.json");
        // The file's endpoint is on a port picked free and let go (it cannot be 0: its address is asserted): when another
        // process took it before the collector bound it, the start fails with "address in use" and is tried on another.
        string url;
        CollectorFixture started;
        for (var attempt = 1; ; attempt++)
        {
            url = "http://127.0.0.1:" + FreeTcpPort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture);
            Replace(file, Settings(url, "read-key-1"));
            try
            {
                started = await CollectorFixture.StartAsync(
                    services => services.AddSingleton<ILoggerProvider>(reloads),
                    "--config", file, $"--Logging:LogLevel:{typeof(ApiKeyReload).FullName}=Information", "--Logging:LogLevel:Microsoft.AspNetCore.Server.Kestrel=Information");
                break;
            }
            catch (IOException e) when (attempt < FreeTcpPort.Attempts && FreeTcpPort.IsAddressInUse(e))
            {
                // taken between FreeTcpPort and the bind: another port
            }
        }

        await using var collector = started;
        Assert.Equal(new Uri(url + "/"), collector.BaseAddress);

        if (delete)
        {
            File.Delete(file);
        }
        else
        {
            Replace(file, """{"Coll""");
        }

        var line = await NextReloadAsync(reloads);
        Assert.StartsWith("Settings file not read, the settings last read from it stay until it is read whole:", line, StringComparison.Ordinal);
        Assert.Contains(reason, line, StringComparison.Ordinal);
        Assert.Equal(url, collector.Services.GetRequiredService<IConfiguration>()["Kestrel:Endpoints:FromFile:Url"]);
        Assert.Equal(HttpStatusCode.OK, await ReadAsync(collector, "read-key-1"));

        Replace(file, Settings(url, "read-key-2"));
        Assert.StartsWith("API keys reloaded: 1 ingest, 1 read, 1 admin", await NextReloadAsync(reloads), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, await ReadAsync(collector, "read-key-2"));
        Assert.Equal(HttpStatusCode.Unauthorized, await ReadAsync(collector, "read-key-1"));

        // Kestrel handles each reload within it (the failed one before the good one's line): it never stopped the endpoint.
        Assert.DoesNotContain("Stopping the following endpoints", collector.Log.Text(), StringComparison.Ordinal);
    }

    /// <summary>
    /// The reload's line (710) gave counts only ("API keys reloaded: 2 ingest, 1 read, 1 admin keys in force"), while the
    /// start (704) says per role where its keys are set: after a rotation in the file, a key set on the command line (or
    /// in the environment) still wins, and nothing said so. The reload now names each setting and its source as the start
    /// does, never a key nor any part of one.
    /// </summary>
    [Fact]
    public async Task Reread_KeysRotatedInTheFile_ReloadLineSaysWhereEachRolesKeysAreSetNeverAKey()
    {
        string[] keys = ["Vb6qNw1zKe8rTy3uPa5m", "Jc2xLo7sGd4hQf9iWn0t", "Rk5mEa8pZu1vYb6cXs3w", "Hd9tFq2nMw7jLo4gSe1y"];
        using var folder = new TempDirectory();
        using var reloads = new LogSignal(typeof(ApiKeyReload).FullName!);
        var file = Path.Combine(folder.Path, "collector.json");
        Replace(file, JsonSerializer.Serialize(new { Collector = new { IngestApiKeys = new[] { keys[0] }, ReadApiKeys = new[] { keys[1] } } }));
        await using var collector = await CollectorFixture.StartAsync(
            services => services.AddSingleton<ILoggerProvider>(reloads),
            "--config", file, $"--Collector:AdminApiKey={keys[3]}", $"--Logging:LogLevel:{typeof(ApiKeyReload).FullName}=Information");

        Replace(file, JsonSerializer.Serialize(new { Collector = new { IngestApiKeys = new[] { keys[0], keys[2] }, ReadApiKeys = new[] { keys[1] } } }));
        var line = await NextReloadAsync(reloads);

        var inFile = $"from the settings file '{file}' (--config)";
        Assert.Equal(
            $"API keys reloaded: 2 ingest, 1 read, 1 admin keys in force. Ingest keys: Collector:IngestApiKeys:0 {inFile}; Collector:IngestApiKeys:1 {inFile}. " +
            $"Read keys: Collector:ReadApiKeys:0 {inFile}. Admin keys: --Collector:AdminApiKey from the command line",
            line);
        foreach (var key in keys)
        {
            // Not the key, nor any 6 characters of it.
            Assert.All(Enumerable.Range(0, key.Length - 5), at => Assert.DoesNotContain(key.Substring(at, 6), line, StringComparison.Ordinal));
        }

        Assert.Equal(HttpStatusCode.OK, await ReadAsync(collector, keys[1]));
    }

    /// <summary>
    /// A key rotated in the --config file under one set on the command line (or in the environment) leaves the keys in
    /// force as they were: the reload said nothing, and the rotation looked done. It now says the keys are unchanged and
    /// where each role's are set, never a key.
    /// </summary>
    [Fact]
    public async Task Reread_KeyRotatedInTheFileUnderOneOnTheCommandLine_LineSaysUnchangedAndWhereTheyAreSet()
    {
        string[] keys = ["Pq4wEr7tYu1iOp3aSd6f", "Gh8jKl2zXc5vBn9mQw0e", "Rt6yUi3oPa8sDf1gHj4k", "Lz7xCv2bNm5qWe9rTy0u"];
        using var folder = new TempDirectory();
        using var reloads = new LogSignal(typeof(ApiKeyReload).FullName!);
        var file = Path.Combine(folder.Path, "collector.json");
        Replace(file, JsonSerializer.Serialize(new { Collector = new { IngestApiKeys = new[] { keys[0] }, ReadApiKeys = new[] { keys[1] } } }));
        await using var collector = await CollectorFixture.StartAsync(
            services => services.AddSingleton<ILoggerProvider>(reloads),
            "--config", file, $"--Collector:IngestApiKeys:0={keys[2]}", $"--Collector:AdminApiKey={keys[3]}", $"--Logging:LogLevel:{typeof(ApiKeyReload).FullName}=Information");

        Replace(file, JsonSerializer.Serialize(new { Collector = new { IngestApiKeys = new[] { keys[1] + "x" }, ReadApiKeys = new[] { keys[1] } } }));
        var line = await NextReloadAsync(reloads); // before: none came

        Assert.Equal(
            "API keys unchanged: a key setting changed in a settings file, but none of the 1 ingest, 1 read, 1 admin keys in force did. " + // the read key is only in the file
            $"Ingest keys: --Collector:IngestApiKeys:0 from the command line. Read keys: Collector:ReadApiKeys:0 from the settings file '{file}' (--config). " +
            "Admin keys: --Collector:AdminApiKey from the command line",
            line);
        foreach (var key in keys)
        {
            Assert.All(Enumerable.Range(0, key.Length - 5), at => Assert.DoesNotContain(key.Substring(at, 6), line, StringComparison.Ordinal));
        }
    }

    // A bound on a collector that never reloads (the file watcher's own delay is a quarter second), not a timing.
    private static Task<string> NextReloadAsync(LogSignal reloads) => reloads.NextAsync().WaitAsync(TimeSpan.FromMinutes(1));

    private static string Settings(string url, string readKey) => JsonSerializer.Serialize(new
    {
        Kestrel = new { Endpoints = new { FromFile = new { Url = url } } },
        Collector = new { IngestApiKeys = new[] { "ingest-key" }, ReadApiKeys = new[] { readKey }, AdminApiKeys = new[] { "admin-key" } },
    });

    /// <summary>Replaces the file whole (written beside it, then renamed over it), as an editor or a deployment does.</summary>
    private static void Replace(string file, string text)
    {
        var next = file + ".next";
        File.WriteAllText(next, text);
        File.Move(next, file, overwrite: true);
    }

    private static async Task<HttpStatusCode> ReadAsync(CollectorFixture collector, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/events");
        request.Headers.Add(ApiKeyReader.HeaderName, key);
        using var response = await collector.Client.SendAsync(request);
        return response.StatusCode;
    }

    private static string Write(TempDirectory folder, string json)
    {
        var file = Path.Combine(folder.Path, "collector.json");
        File.WriteAllText(file, json);
        return file;
    }
}
