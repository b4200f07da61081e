using System.Net;
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

    private static string Write(TempDirectory folder, string json)
    {
        var file = Path.Combine(folder.Path, "collector.json");
        File.WriteAllText(file, json);
        return file;
    }
}
