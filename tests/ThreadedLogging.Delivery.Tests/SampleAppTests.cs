using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ThreadedLogging.Delivery.Tests.Support;

namespace ThreadedLogging.Delivery.Tests;

/// <summary>
/// The repository's sample app (samples/ThreadedLogging.Sample: the generic host, <c>AddThreadedHttp()</c>, options from
/// its appsettings.json) run as README says, against the real collector process: what an adopting team copies works.
/// README's quick start (and the package's README) show its first lines and its appsettings.json, as they are.
/// </summary>
public sealed partial class SampleAppTests(SharedCollector collector) : IClassFixture<SharedCollector>
{
    private const string SampleProject = "samples/ThreadedLogging.Sample";

    [Fact]
    public async Task Sample_RunAsReadmeSays_StoresTheQuickStartsEventThenItsPaymentsAndItsErrorWithTheException()
    {
        // README's command, from the repository's root (--no-build: the test run built it; -c: in this run's configuration).
        await using var sample = ChildProcess.StartDotnet(
            ChildProcess.RepositoryRoot,
            "run",
            "--no-build",
            "-c",
            ChildProcess.Configuration,
            "--project",
            SampleProject,
            "--",
            "--Logging:ThreadedHttp:Host=" + collector.Host,
            "--Logging:ThreadedHttp:User=sample-user",
            "--count",
            "5");

        var exitCode = await sample.WaitForExitAsync(TimeSpan.FromSeconds(90));

        Assert.True(exitCode == 0, string.Join('\n', sample.Output));
        Assert.Contains("sent=7 dropped=0 pending=0", sample.Output);
        var events = await collector.EventsAsync("sample-user");
        Assert.Equal(7, events.Count);
        var quickStart = events[0]; // README's line
        Assert.Equal("ThreadedLogging.Sample", quickStart.GetProperty("app").GetString());
        Assert.Equal("Payroll", quickStart.GetProperty("category").GetString());
        Assert.Equal("Paid {Employee} {Amount}", quickStart.GetProperty("template").GetString());
        Assert.Equal("Paid ann 1200", quickStart.GetProperty("message").GetString());
        Assert.Equal("ann", quickStart.GetProperty("properties").GetProperty("Employee").GetString());
        Assert.Equal(1200m, quickStart.GetProperty("properties").GetProperty("Amount").GetDecimal());
        var paid = events[1];
        Assert.Equal("Paid employee-0 1000", paid.GetProperty("message").GetString());
        Assert.Equal(1000m, paid.GetProperty("properties").GetProperty("Amount").GetDecimal());
        Assert.Equal("2026-12", paid.GetProperty("context").GetProperty("scopes")[0].GetProperty("PayrollRun").GetString());
        var failed = events[6];
        Assert.Equal("Error", failed.GetProperty("level").GetString());
        Assert.Equal("Payment 5 failed", failed.GetProperty("message").GetString());
        Assert.Equal("System.InvalidOperationException", failed.GetProperty("exception").GetProperty("type").GetString());
        Assert.Equal(JsonValueKind.String, failed.GetProperty("exception").GetProperty("stackTrace").ValueKind);
    }

    /// <summary>
    /// The first C# and the first JSON a reader of the README meets are the sample's, as they are: its Program.cs holds
    /// the C# lines one after another, and the JSON is its appsettings.json. So the code a new adopter copies is the code
    /// the test above runs (README's first sample was once the seed's Python form, which no test ran).
    /// </summary>
    [Theory]
    [InlineData("README.md")]
    [InlineData("src/ThreadedLogging/README.md")] // the package's, on its NuGet page
    public void Readme_FirstCSharpAndJson_AreTheSamplesProgramAndAppSettings(string readme)
    {
        var text = File.ReadAllText(Path.Combine(ChildProcess.RepositoryRoot, readme)).ReplaceLineEndings("\n");
        var csharp = FirstBlock(text, "csharp");
        var json = FirstBlock(text, "json");
        var program = File.ReadAllText(Path.Combine(ChildProcess.RepositoryRoot, SampleProject, "Program.cs")).ReplaceLineEndings("\n");
        var settings = File.ReadAllText(Path.Combine(ChildProcess.RepositoryRoot, SampleProject, "appsettings.json"));

        Assert.True(program.Contains("\n" + csharp, StringComparison.Ordinal), $"{readme}'s first C# is not in {SampleProject}/Program.cs as it is:\n{csharp}");
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(settings), JsonNode.Parse(json)), $"{readme}'s first JSON is not {SampleProject}/appsettings.json:\n{json}");
    }

    /// <summary>The text of the first fenced block of <paramref name="language"/>, its lines each ending with a newline.</summary>
    private static string FirstBlock(string markdown, string language)
    {
        var match = FencedBlock().Matches(markdown).FirstOrDefault(m => m.Groups["language"].Value == language);
        Assert.True(match is not null, $"no ```{language} block");
        return match.Groups["code"].Value;
    }

    [GeneratedRegex(@"^```(?<language>\w*)\n(?<code>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex FencedBlock();
}
