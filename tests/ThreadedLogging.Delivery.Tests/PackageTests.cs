using System.IO.Compression;
using System.Xml.Linq;
using ThreadedLogging.Delivery.Tests.Support;
using ThreadedLogging.Testing;

namespace ThreadedLogging.Delivery.Tests;

/// <summary>
/// What an adopting team installs: the two libraries packed by <c>dotnet pack</c>, their contents read (README, XML
/// documentation, dependencies), and a fresh app outside the repository that references them by version from a local
/// feed, builds, and logs through them into the real collector process.
/// </summary>
public sealed class PackageTests(SharedCollector collector) : IClassFixture<SharedCollector>
{
    // A bound against a hang, not a speed check: on a machine shared by several test runs (2 cores, load 55) a build of the
    // fresh app took longer than the 5 minutes it was (Packages_PackedAndInstalled… failed at 8 m 25 s, in its build).
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(15);

    [Fact]
    public async Task Packages_PackedAndInstalledIntoAFreshApp_CarryTheirDocsAndShipTheAppsEvents()
    {
        using var work = new TempDirectory();
        var version = "0.0.0-test." + Guid.NewGuid().ToString("N")[..12];
        var feed = Path.Combine(work.Path, "feed");
        foreach (var project in new[] { "src/ThreadedLogging", "src/ThreadedLogging.Aws" })
        {
            // --no-build: the test run built them; a new version each run, so no package cache serves an old one.
            // The nuspec pack writes goes to the work folder too: in the project's obj/ it piled up, one per run.
            await RunDotnetAsync(ChildProcess.RepositoryRoot, "pack", project, "--no-build", "-c", ChildProcess.Configuration, "-o", feed, "-p:PackageVersion=" + version, "-p:NuspecOutputPath=" + Path.Combine(work.Path, "nuspec"));
        }

        var core = ReadPackage(feed, "ThreadedLogging", version);
        Assert.Equal(
            ["Microsoft.Extensions.Logging", "Microsoft.Extensions.Logging.Configuration", "Microsoft.Extensions.Options.ConfigurationExtensions", "System.IO.Hashing"],
            core.Dependencies.Keys.Order(StringComparer.Ordinal)); // the analyzers the build uses are not the app's
        Assert.Contains("M:Microsoft.Extensions.Logging.HttpLoggingBuilderExtensions.AddThreadedHttp(", core.Documentation, StringComparison.Ordinal);
        var aws = ReadPackage(feed, "ThreadedLogging.Aws", version);
        Assert.Equal(["AWSSDK.SQS", "ThreadedLogging"], aws.Dependencies.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(version, aws.Dependencies["ThreadedLogging"]);
        Assert.Contains("T:ThreadedLogging.ThreadedAwsHandler", aws.Documentation, StringComparison.Ordinal);

        var app = Path.Combine(work.Path, "app");
        WriteApp(app, feed, version);
        await RunDotnetAsync(app, "build", "-c", "Release", "-p:RestorePackagesPath=" + Path.Combine(work.Path, "packages"));
        var output = await RunDotnetAsync(app, "exec", Path.Combine("bin", "Release", "net10.0", "PackagedApp.dll"), collector.Host, "packaged-app");

        Assert.Contains("region eu-west-1", output);
        var events = await collector.EventsAsync("packaged-app");
        var paid = Assert.Single(events);
        Assert.Equal("Paid alice 1200", paid.GetProperty("message").GetString());
        Assert.Equal("Paid {Employee} {Amount}", paid.GetProperty("template").GetString());
        Assert.Equal("PackagedApp", paid.GetProperty("app").GetString());
    }

    /// <summary>Reads a package: its files, its nuspec's readme and dependencies (id → version), its XML documentation.</summary>
    private static (Dictionary<string, string> Dependencies, string Documentation) ReadPackage(string feed, string id, string version)
    {
        Assert.True(File.Exists(Path.Combine(feed, $"{id}.{version}.snupkg")), $"{id}: no symbols package");
        using var package = ZipFile.OpenRead(Path.Combine(feed, $"{id}.{version}.nupkg"));
        var files = package.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("README.md", files);
        Assert.Contains($"lib/net10.0/{id}.dll", files);
        Assert.Contains($"lib/net10.0/{id}.xml", files);

        XDocument nuspec;
        using (var stream = package.GetEntry($"{id}.nuspec")!.Open())
        {
            nuspec = XDocument.Load(stream);
        }

        var metadata = nuspec.Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        string Field(string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value ?? "";
        Assert.Equal("README.md", Field("readme"));
        Assert.NotEqual("", Field("description"));
        Assert.NotEqual(id, Field("authors")); // the SDK's default when nothing is said
        Assert.Contains("logging", Field("tags"), StringComparison.Ordinal);
        var dependencies = metadata.Descendants().Where(e => e.Name.LocalName == "dependency")
            .ToDictionary(e => e.Attribute("id")!.Value, e => e.Attribute("version")!.Value, StringComparer.Ordinal);

        using var reader = new StreamReader(package.GetEntry($"lib/net10.0/{id}.xml")!.Open());
        return (dependencies, reader.ReadToEnd());
    }

    /// <summary>
    /// An app as a team writes it, outside the repository: its own Directory.* files stop MSBuild from reading any above
    /// it (the repository's central package versions); our packages from the feed, their dependencies from this machine's
    /// package cache (a fallback folder, not copied), where the solution's restore put them: no network.
    /// </summary>
    private static void WriteApp(string app, string feed, string version)
    {
        Directory.CreateDirectory(app);
        foreach (var name in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
        {
            File.WriteAllText(Path.Combine(app, name), "<Project />\n");
        }

        var cache = RestoredPackageFolder();
        File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="packed" value="{feed}" />
              </packageSources>
              <fallbackPackageFolders>
                <add key="machine" value="{cache}" />
              </fallbackPackageFolders>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(app, "PackagedApp.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="ThreadedLogging" Version="{version}" />
                <PackageReference Include="ThreadedLogging.Aws" Version="{version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(app, "Program.cs"), """
            using Microsoft.Extensions.Logging;
            using ThreadedLogging;

            var sqs = new ThreadedAwsHandlerOptions { QueueName = "payroll-logs", Region = "eu-west-1" };
            Console.WriteLine($"the Aws package: queue {sqs.QueueName}, region {sqs.Region}");
            using (var factory = LoggerFactory.Create(b => b.AddThreadedHttp(o =>
            {
                o.Host = args[0];
                o.User = args[1];
                o.Format = HttpLogFormat.JsonBatch;
                o.CaptureUnhandledExceptions = false;
            })))
            {
                factory.CreateLogger("Payroll").LogInformation("Paid {Employee} {Amount}", "alice", 1200m);
            } // the disposal delivers it
            """);
    }

    /// <summary>
    /// Where the solution's restore put ThreadedLogging's dependencies: the first package folder of its assets file (the
    /// global packages folder, wherever NUGET_PACKAGES, a nuget.config or RestorePackagesPath put it on this machine).
    /// </summary>
    private static string RestoredPackageFolder()
    {
        var assets = Path.Combine(ChildProcess.RepositoryRoot, "src", "ThreadedLogging", "obj", "project.assets.json");
        using var document = System.Text.Json.JsonDocument.Parse(File.ReadAllText(assets));
        return document.RootElement.GetProperty("packageFolders").EnumerateObject().First().Name;
    }

    /// <summary>Runs a dotnet command to its end; fails the test with its output when it does not succeed.</summary>
    private static async Task<string> RunDotnetAsync(string workingDirectory, params string[] args)
    {
        await using var command = ChildProcess.StartDotnet(workingDirectory, args);
        var exitCode = await command.WaitForExitAsync(CommandTimeout);
        var output = string.Join('\n', command.Output);
        Assert.True(exitCode == 0, $"dotnet {string.Join(' ', args)} exited {exitCode}:\n{output}");
        return output;
    }
}
