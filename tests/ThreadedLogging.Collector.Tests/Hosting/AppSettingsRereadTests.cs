using System.Net;
using System.Text.Json.Nodes;
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
    private const string ProductionReadKey = "read-production-8c2e5a9d1f4b";
    private const string AdminKey = "admin-9e4b2f7a1c6d3e8a";
    private const string ReloadCategory = "ThreadedLogging.Collector.Security.ApiKeyReload";
    private const string NotRead = "Settings file not read";

    [Fact]
    public async Task Reread_AppSettingsHalfWritten_KeepsServingWithItsSettingsAndWarns_NextGoodFileTaken()
    {
        using var folder = new TempDirectory();
        var (app, settings, good) = await CopyWithSettingsAsync(folder, ReadKey);
        await using var collector = StartLogged(folder, app, "--Logging:LogLevel:Microsoft.AspNetCore.Server.Kestrel=Information");
        using var http = await collector.ClientAsync();

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
    /// and the complete file is taken. The environment's file (appsettings.Production.json) the same: its deletion dropped
    /// its endpoint and keys at once (a deployment that empties the folder, then copies the publish in, stopped the
    /// endpoint it gave); they now stay for <c>Collector:SettingsFileRemovedAfter</c> (a day here), as long as it is missing.
    /// </summary>
    [Theory]
    [InlineData("appsettings.json")]
    [InlineData("appsettings.Production.json")]
    public async Task Reread_SettingsFileDeletedThenWrittenInPieces_EndpointAndKeysStay_CompleteFileTaken(string file)
    {
        using var folder = new TempDirectory();
        var (app, settings, good) = await CopyWithSettingsInAsync(folder, file, ReadKey);
        await using var collector = StartLogged(folder, app, "--Logging:LogLevel:Microsoft.AspNetCore.Server.Kestrel=Information", "--Collector:SettingsFileRemovedAfter=1.00:00:00");
        using var http = await collector.ClientAsync();

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
        var (app, settings, good) = await CopyWithSettingsAsync(folder);
        var config = Path.Combine(folder.Path, "collector.json");
        await File.WriteAllTextAsync(config, Keys(ReadKey));
        await using var collector = StartLogged(folder, app, "--config", config);
        using var http = await collector.ClientAsync();
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
    /// every later key change was refused until a restart, a leaked key's revocation too. Now, still missing after
    /// <c>Collector:SettingsFileRemovedAfter</c> (a second here), it is taken as removed: its settings go (its read key
    /// with them, appsettings.json's in force again), one information line says so, and the next rotation in
    /// appsettings.json is taken.
    /// </summary>
    [Fact]
    public async Task Reread_EnvironmentFileDeletedAndNotBack_ItsSettingsGoAfterTheWait_SaidOnce_NextKeyRotationTaken()
    {
        using var folder = new TempDirectory();
        var (app, settings, good) = await CopyWithSettingsAsync(folder, ReadKey);
        var production = Path.Combine(app, "appsettings.Production.json");
        await File.WriteAllTextAsync(production, Keys(ProductionReadKey));
        await using var collector = StartLogged(folder, app, "--Collector:SettingsFileRemovedAfter=00:00:01");
        using var http = await collector.ClientAsync();
        Assert.Equal(HttpStatusCode.OK, await ReadAsync(http, ProductionReadKey));

        File.Delete(production);

        Assert.Contains($"the settings file '{production}' does not exist", await collector.NextLineAsync($"'{production}'"), StringComparison.Ordinal);
        Assert.Contains($"the settings file '{production}' is gone", await collector.NextLineAsync("Settings changed"), StringComparison.Ordinal);
        Assert.Contains("API keys reloaded: 1 ingest, 1 read, 1 admin", await collector.NextLineAsync("API keys"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, await ReadAsync(http, ReadKey));
        Assert.Equal(HttpStatusCode.Unauthorized, await ReadAsync(http, ProductionReadKey));

        // The leaked key revoked: ReadKey replaced by SecondReadKey.
        Replace(settings, Settings(good, SecondReadKey));

        Assert.Contains("API keys reloaded: 1 ingest, 1 read, 1 admin", await collector.NextLineAsync("API keys"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, await ReadAsync(http, SecondReadKey));
        Assert.Equal(HttpStatusCode.Unauthorized, await ReadAsync(http, ReadKey));
        Assert.Single(collector.Output.Split('\n'), line => line.Contains("is gone", StringComparison.Ordinal));
        Assert.DoesNotContain("API keys not reloaded", collector.Output, StringComparison.Ordinal);
        Assert.False(collector.HasExited);
    }

    /// <summary>
    /// No appsettings.Production.json at start (none is shipped), then a change to it that leaves it missing (here a link
    /// to a file not written yet, as a configuration tool may make the link before its target): it was taken as deleted,
    /// warning 713 said its settings last read stay, and <c>Collector:SettingsFileRemovedAfter</c> later "… is gone …",
    /// for settings never read. A file missing from the start now says nothing above Debug until it is there, then is read.
    /// </summary>
    [Fact]
    public async Task Reread_EnvironmentFileMissingFromTheStart_ChangedStillMissing_NothingSaidUntilItIsThere()
    {
        using var folder = new TempDirectory();
        var (app, _, _) = await CopyWithSettingsAsync(folder, ReadKey);
        var production = Path.Combine(app, "appsettings.Production.json");
        Assert.False(File.Exists(production));
        await using var collector = CollectorCopy.Start(app, "--data", Path.Combine(folder.Path, "data"), $"--Logging:LogLevel:{ReloadCategory}=Debug");
        using var http = await collector.ClientAsync();

        File.CreateSymbolicLink(production, Path.Combine(folder.Path, "etc", "collector.Production.json"));

        Assert.Contains($"the settings file '{production}' does not exist, as before this change", await collector.NextLineAsync("Settings file still missing"), StringComparison.Ordinal);
        Assert.DoesNotContain(NotRead, collector.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Settings changed", collector.Output, StringComparison.Ordinal);

        Replace(production, Keys(ProductionReadKey)); // the link replaced by the file

        Assert.Contains("API keys reloaded: 1 ingest, 1 read, 1 admin", await collector.NextLineAsync("API keys"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, await ReadAsync(http, ProductionReadKey));
        Assert.Equal(HttpStatusCode.Unauthorized, await ReadAsync(http, ReadKey));
        Assert.DoesNotContain(NotRead, collector.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Settings changed", collector.Output, StringComparison.Ordinal);
        Assert.False(collector.HasExited);
    }

    /// <summary>
    /// No appsettings.json at start (removed from the program's folder; the settings here in appsettings.Production.json),
    /// then a change to it that leaves it missing (a link to a file not written yet): warning 713 said "the settings last
    /// read from it stay … does not exist", for settings never read. It now says nothing above Debug until it is there,
    /// then is read (its second read key, not overridden by the environment's one-key list, taken).
    /// </summary>
    [Fact]
    public async Task Reread_AppSettingsMissingFromTheStart_ChangedStillMissing_NothingSaidUntilItIsThere()
    {
        using var folder = new TempDirectory();
        var (app, _, _) = await CopyWithSettingsInAsync(folder, "appsettings.Production.json", ReadKey);
        var appSettings = Path.Combine(app, "appsettings.json");
        File.Delete(appSettings);
        await using var collector = CollectorCopy.Start(app, "--data", Path.Combine(folder.Path, "data"), $"--Logging:LogLevel:{ReloadCategory}=Debug");
        using var http = await collector.ClientAsync();

        File.CreateSymbolicLink(appSettings, Path.Combine(folder.Path, "etc", "appsettings.json"));

        Assert.Contains($"Settings file still missing: the settings file '{appSettings}' does not exist, as before this change", await collector.NextLineAsync($"'{appSettings}'"), StringComparison.Ordinal);
        Assert.DoesNotContain(NotRead, collector.Output, StringComparison.Ordinal);

        // Lists merge by index: the first read key is the environment's, the second this file's.
        var collectorKeys = new JsonObject { ["ReadApiKeys"] = new JsonArray("read-overridden", SecondReadKey) };
        Replace(appSettings, new JsonObject { ["Collector"] = collectorKeys }.ToJsonString()); // the link replaced by the file

        Assert.Contains("API keys reloaded: 1 ingest, 2 read, 1 admin", await collector.NextLineAsync("API keys"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, await ReadAsync(http, SecondReadKey));
        Assert.Equal(HttpStatusCode.OK, await ReadAsync(http, ReadKey));
        Assert.DoesNotContain(NotRead, collector.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Settings changed", collector.Output, StringComparison.Ordinal);
        Assert.False(collector.HasExited);
    }

    /// <summary>
    /// A settings file missing at start (appsettings.json removed from the program's folder, the settings in
    /// appsettings.Production.json; or no appsettings.Production.json, none is shipped) that first appears half written
    /// logged warning 713 "Settings file not read, the settings last read from it stay until it is read whole", although
    /// nothing had been read from it. It now says that none of its settings are in force until it is read whole (715),
    /// and the whole file is read as before.
    /// </summary>
    [Theory]
    [InlineData("appsettings.json")]
    [InlineData("appsettings.Production.json")]
    public async Task Reread_FileMissingFromTheStart_AppearsHalfWritten_SaysNoneOfItsSettingsAreInForce_WholeFileTaken(string name)
    {
        using var folder = new TempDirectory();
        var missing = name == "appsettings.json";
        var (app, _, _) = await CopyWithSettingsInAsync(folder, missing ? "appsettings.Production.json" : "appsettings.json", ReadKey);
        var file = Path.Combine(app, name);
        File.Delete(file);
        await using var collector = StartLogged(folder, app);
        using var http = await collector.ClientAsync();

        Replace(file, """{"Coll""");

        var line = await collector.NextLineAsync($"'{file}'");
        Assert.Contains($"Settings file not read, none of its settings are in force until it is read whole: the settings file '{file}' is not a JSON object of settings", line, StringComparison.Ordinal);
        Assert.DoesNotContain("last read", collector.Output, StringComparison.Ordinal);

        // Lists merge by index: two read keys either way, the second this file's alone.
        Replace(file, new JsonObject { ["Collector"] = new JsonObject { ["ReadApiKeys"] = new JsonArray("read-overridden", SecondReadKey) } }.ToJsonString());

        Assert.Contains("API keys reloaded: 1 ingest, 2 read, 1 admin", await collector.NextLineAsync("API keys"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, await ReadAsync(http, SecondReadKey));
        Assert.False(collector.HasExited);
    }

    [Fact]
    public async Task Start_AppSettingsNotJson_Exits2InOneLineNamingTheFile()
    {
        using var folder = new TempDirectory();
        var app = CollectorCopy.CopyOfTheProgram(folder.Path);
        var settings = Path.Combine(app, "appsettings.json");
        await File.WriteAllTextAsync(settings, """{ "Collector": { "DataDirectory": "da""");
        await using var collector = CollectorCopy.Start(app, "--urls", "http://127.0.0.1:0", "--data", Path.Combine(folder.Path, "data"));

        var (exitCode, output) = await collector.ExitAsync();

        Assert.Equal(2, exitCode);
        Assert.Contains($"Invalid collector configuration: Failed to load configuration from file '{settings}'.", output, StringComparison.Ordinal);
        Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>A <see cref="CollectorCopy.CopyOfTheProgram"/> whose appsettings.json is <see cref="Settings"/> of the shipped one: the folder, the file and its text.</summary>
    private static Task<(string App, string Settings, string Good)> CopyWithSettingsAsync(TempDirectory folder, params string[] readKeys) =>
        CopyWithSettingsInAsync(folder, "appsettings.json", readKeys);

    /// <summary>The same, written to <paramref name="file"/> beside the program (appsettings.Production.json: the shipped settings again, with the endpoint and keys).</summary>
    private static async Task<(string App, string Settings, string Good)> CopyWithSettingsInAsync(TempDirectory folder, string file, params string[] readKeys)
    {
        var app = CollectorCopy.CopyOfTheProgram(folder.Path);
        var settings = Path.Combine(app, file);
        var good = Settings(await File.ReadAllTextAsync(Path.Combine(app, "appsettings.json")), readKeys);
        await File.WriteAllTextAsync(settings, good);
        return (app, settings, good);
    }

    /// <summary>Starts the copy with its data in <paramref name="folder"/> and the reload's lines logged (Information).</summary>
    private static CollectorCopy StartLogged(TempDirectory folder, string app, params string[] args) =>
        CollectorCopy.Start(app, ["--data", Path.Combine(folder.Path, "data"), $"--Logging:LogLevel:{ReloadCategory}=Information", .. args]);

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

    /// <summary>A <c>--config</c> file (or appsettings.Production.json) with the keys only.</summary>
    private static string Keys(string readKey) =>
        new JsonObject { ["Collector"] = new JsonObject { ["IngestApiKeys"] = new JsonArray(IngestKey), ["ReadApiKeys"] = new JsonArray(readKey), ["AdminApiKeys"] = new JsonArray(AdminKey) } }.ToJsonString();

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
}
