using System.Text.Json.Nodes;
using ThreadedLogging.Testing;

namespace ThreadedLogging.Collector.Tests.Hosting;

/// <summary>
/// Where each role's keys were set, said once at start (event 704) by a real collector process: a key can come from the
/// appsettings files, the <c>--config</c> file, the environment (systemd's keys file) or the command line, the later
/// winning, and nothing said which was in force. The lines name each setting and its source, never a key or a part of one.
/// </summary>
public sealed class KeySourcesLogTests
{
    private const string IngestKeys = "Zq81xTvp0LmW3nYcRb7u,Hs4dKe9wQa2pJf6tNy5o";
    private const string ReadKey = "Gm3vUc8rXk1bWq5zTe0j";
    private const string AdminKey = "Pf7nLy2sDa9hRo4iVx6c";

    [Fact]
    public async Task Start_KeysFromTheEnvironmentTheConfigFileAndTheCommandLine_EachRoleSaysItsSourceAsWrittenNeverAKey()
    {
        using var folder = new TempDirectory();
        var app = CollectorCopy.CopyOfTheProgram(folder.Path);
        var config = Path.Combine(folder.Path, "collector.json");
        await File.WriteAllTextAsync(config, new JsonObject { ["Collector"] = new JsonObject { ["ReadApiKeys"] = new JsonArray(ReadKey) } }.ToJsonString());
        await using var collector = CollectorCopy.Start(
            app,
            new Dictionary<string, string> { ["COLLECTOR__INGESTAPIKEYS"] = IngestKeys }, // any case: named as written
            "--urls", "http://127.0.0.1:0", "--data", Path.Combine(folder.Path, "data"), "--config", config, $"--Collector:AdminApiKey={AdminKey}");

        var ingest = await collector.NextLineAsync("Ingest keys:");
        var read = await collector.NextLineAsync("Read keys:");
        var admin = await collector.NextLineAsync("Admin keys:");
        using var http = await collector.ClientAsync(); // started: every start line is out

        Assert.EndsWith("Ingest keys: COLLECTOR__INGESTAPIKEYS (2 keys) from the environment", ingest, StringComparison.Ordinal);
        Assert.EndsWith($"Read keys: Collector:ReadApiKeys:0 from the settings file '{config}' (--config)", read, StringComparison.Ordinal);
        Assert.EndsWith("Admin keys: --Collector:AdminApiKey from the command line", admin, StringComparison.Ordinal);
        Assert.Contains("info: ThreadedLogging.Collector.Security[704]", collector.Output, StringComparison.Ordinal);
        Assert.Single(collector.Output.Split('\n'), line => line.Contains("Ingest keys:", StringComparison.Ordinal));
        foreach (var key in IngestKeys.Split(',').Append(ReadKey).Append(AdminKey))
        {
            // Not the key, nor any 6 characters of it.
            Assert.All(Enumerable.Range(0, key.Length - 5), at => Assert.DoesNotContain(key.Substring(at, 6), collector.Output, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Start_NoKeysOnLoopback_EachRoleSaysWhatIsOpen()
    {
        using var folder = new TempDirectory();
        var app = CollectorCopy.CopyOfTheProgram(folder.Path);
        await using var collector = CollectorCopy.Start(app, "--urls", "http://127.0.0.1:0", "--data", Path.Combine(folder.Path, "data"));

        Assert.EndsWith("Ingest keys: none, ingest is open to clients on this machine only (listening on loopback)", await collector.NextLineAsync("Ingest keys:"), StringComparison.Ordinal);
        Assert.EndsWith("Read keys: none, reading (the query API, the support console) is open to clients on this machine only (listening on loopback)", await collector.NextLineAsync("Read keys:"), StringComparison.Ordinal);
        Assert.EndsWith("Admin keys: none, changes (level rules, erasure, alert rules) are open to clients on this machine only", await collector.NextLineAsync("Admin keys:"), StringComparison.Ordinal);
    }
}
