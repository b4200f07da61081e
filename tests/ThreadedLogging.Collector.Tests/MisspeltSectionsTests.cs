using ThreadedLogging.Collector.Tests.Security;
using ThreadedLogging.Testing;

namespace ThreadedLogging.Collector.Tests;

/// <summary>
/// A misspelt top-level section (<c>--Colector:Port=1</c>, <c>Colector__IngestApiKeys</c>) was skipped whole: the
/// collector started on its defaults without a word. It stops the start naming the key and the likely intended one,
/// but never for a plain environment variable of another program.
/// </summary>
public sealed class MisspeltSectionsTests
{
    [Theory]
    [InlineData("Colector", "Collector")]
    [InlineData("collecter", "Collector")]
    [InlineData("Colletcor", "Collector")] // two letters swapped
    [InlineData("Loggin", "Logging")]
    [InlineData("Kestral", "Kestrel")]
    [InlineData("ConnectionString", "ConnectionStrings")]
    [InlineData("url", "urls")]
    [InlineData("Collector", null)]
    [InlineData("LOGGING", null)]
    [InlineData("https_port", null)] // a setting of its own (HTTPS redirection), not a misspelt https_ports
    [InlineData("users", null)] // two edits from urls: too many for a short name
    [InlineData("Serilog", null)]
    [InlineData("Clctr", null)] // four edits
    public void Intended_Key_LikelyKnownSectionOrNull(string key, string? expected) =>
        Assert.Equal(expected, MisspeltSections.Intended(key));

    [Fact]
    public async Task Main_MisspeltSectionInEnvironment_ExitCode2NamingItButNotOtherProgramsVariables()
    {
        using var parent = new TempDirectory();
        var data = Path.Combine(parent.Path, "data");
        var environment = new Dictionary<string, string>
        {
            ["Colector__IngestApiKeys"] = "key-1",
            ["URL"] = "http://example.invalid/", // another program's: one edit from urls, but no sections
            ["LOGING"] = "1",
        };

        var (exitCode, stdout, stderr) = await ProgramExitTests.RunCollectorAsync(environment, "--urls", "http://127.0.0.1:0", "--data", data);

        Assert.Equal(2, exitCode);
        Assert.Contains("'Colector' (Colector:IngestApiKeys, from the environment) is no section the collector reads: did you mean 'Collector'?", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("'URL'", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("LOGING", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("key-1", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening", stdout, StringComparison.Ordinal);
        Assert.False(Directory.Exists(data));
    }
}
