using System.Text.Json;
using System.Web;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Tests.Support;

namespace ThreadedLogging.Tests.Http;

/// <summary>
/// Identity values the environment gives (the OS's user and machine names, the entry assembly's name and version) are
/// not the app's to fix, so they are not refused at start: white space at the ends is cut, a control character becomes a
/// space, and an empty user or machine (a Unix uid without a passwd entry gives an empty <c>Environment.UserName</c>) is
/// sent as none, as is a user <c>.</c> or <c>..</c>. What a collector receives, through the real HTTP path into a real Kestrel.
/// </summary>
public sealed class EnvironmentIdentityTests
{
    public static TheoryData<HttpLogFormat, bool, string, string?> Users() => new()
    {
        { HttpLogFormat.PythonForm, false, "  alice\r\n", "alice" },
        { HttpLogFormat.JsonBatch, false, "  alice\r\n", "alice" },
        { HttpLogFormat.PythonForm, false, "al\u0007ice\tsmith", "al ice smith" },
        { HttpLogFormat.JsonBatch, false, "al\u0007ice\tsmith", "al ice smith" },
        { HttpLogFormat.PythonForm, false, string.Empty, null },
        { HttpLogFormat.JsonBatch, false, string.Empty, null },
        { HttpLogFormat.PythonForm, true, " \t\n", null },
        { HttpLogFormat.JsonBatch, true, " \t\n", null },
        { HttpLogFormat.PythonForm, false, "..", null }, // a step of a path, which the collector refuses as a name
        { HttpLogFormat.JsonBatch, false, " . ", null },
    };

    [Theory]
    [MemberData(nameof(Users))]
    public async Task EnvironmentUser_SentCleanedOrAsNoUser(HttpLogFormat format, bool spooled, string environmentUser, string? sent)
    {
        using var spool = new TempDirectory();
        await using var server = await LoopbackServer.StartAsync();
        var options = new ThreadedHttpHandlerOptions
        {
            CaptureUnhandledExceptions = false,
            Host = server.Host,
            Method = "POST",
            Format = format,
            Interval = TimeSpan.FromHours(1),
            BufferDirectory = spooled ? spool.Path : null,
            IdentityEnvironment = EnvironmentIdentity.OfProcess() with { User = environmentUser, Machine = "\tbuild-07\n" },
        };
        await using (var handler = new ThreadedHttpHandler(options))
        {
            handler.CreateLogger("Payroll").LogInformation("paid");
            Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        }

        var request = Assert.Single(server.Requests);
        Assert.Equal($"/log/{sent}", request.Path);
        if (format == HttpLogFormat.PythonForm)
        {
            var fields = HttpUtility.ParseQueryString(request.BodyText);
            Assert.Equal(sent ?? string.Empty, fields["user"]); // "" and "None" are no user to the collector, as a missing field
            Assert.Equal("build-07", fields["machine"]);
        }
        else
        {
            using var json = JsonDocument.Parse(request.Body);
            var user = json.RootElement.GetProperty("user");
            Assert.Equal(sent, user.ValueKind == JsonValueKind.Null ? null : user.GetString());
            Assert.Equal("build-07", json.RootElement.GetProperty("machine").GetString());
        }
    }

    [Theory]
    [InlineData(" Payroll.Desktop\n", "1.4.2+5f2c\r\n", "Payroll.Desktop", "1.4.2+5f2c")]
    [InlineData("", " ", "unknown", "0")]
    [InlineData(null, null, "unknown", "0")]
    public void EnvironmentAppAndVersion_CleanedAndEmptyTakesTheDefault(string? app, string? version, string expectedApp, string expectedVersion)
    {
        var identity = LogIdentity.From(new ThreadedHandlerOptions { IdentityEnvironment = new EnvironmentIdentity(app, version, "alice", "build-07") });

        Assert.Equal((expectedApp, expectedVersion, "alice", "build-07"), (identity.App, identity.Version, identity.User, identity.Machine));
    }

    [Fact]
    public void AppSetValues_WinOverTheEnvironment()
    {
        var identity = LogIdentity.From(new ThreadedHandlerOptions
        {
            App = "Payroll",
            Version = "2.0",
            User = "bob",
            Machine = "desk-1",
            IdentityEnvironment = new EnvironmentIdentity("other", "9", "\n", string.Empty),
        });

        Assert.Equal(("Payroll", "2.0", "bob", "desk-1"), (identity.App, identity.Version, identity.User, identity.Machine));
    }
}
