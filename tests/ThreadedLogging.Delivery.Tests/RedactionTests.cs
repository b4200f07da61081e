using System.Text.Json;
using Microsoft.Extensions.Compliance.Classification;
using Microsoft.Extensions.Compliance.Redaction;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Delivery.Tests.Support;

namespace ThreadedLogging.Delivery.Tests;

/// <summary>
/// Microsoft.Extensions.Compliance.Redaction with the extended logger (<c>EnableRedaction</c>): a <c>[LoggerMessage]</c>
/// parameter carrying a data classification, and a <c>[LogProperties]</c> object whose members carry one, are redacted by
/// the app's redactor before any provider sees them. Through the real packages, the real client and the real collector
/// process: the stored event holds the redacted value under the name the extended logger gives, and our own masking
/// (<see cref="ThreadedHandlerOptions.RedactedProperties"/>) and message rendering still apply to its state.
/// </summary>
public sealed partial class RedactionTests
{
    [Fact]
    public async Task EnableRedaction_ClassifiedParameterAndLogProperties_CollectorStoresRedactedValues()
    {
        await using var collector = new CollectorProcess();
        await collector.StartAsync();
        var services = new ServiceCollection()
            .AddLogging(logging => logging.EnableRedaction().AddThreadedHttp(options =>
            {
                options.Host = collector.Host;
                options.Format = HttpLogFormat.JsonBatch;
                options.User = "rita";
                options.LevelPollInterval = TimeSpan.Zero;
            }))
            .AddRedaction(redaction => redaction.SetRedactor<MarkingRedactor>(new DataClassificationSet(Taxonomy.Private)));
        await using (var provider = services.BuildServiceProvider())
        {
            var logger = provider.GetRequiredService<ILoggerFactory>().CreateLogger("Accounts");
            SignedIn(logger, "ann@example.com", "hunter2", 3);
            Updated(logger, new Account { Name = "Ann Smith", Plan = "gold", ApiToken = "tok-1" });
            Issued(logger, "tok-2", "ann@example.com");
            Assert.True(provider.GetServices<ILoggerProvider>().OfType<ThreadedHttpHandler>().Single().Flush(TimeSpan.FromSeconds(30)));
        }

        var events = (await collector.EventsAsync("rita")).OrderBy(e => e.GetProperty("sequence").GetInt64()).ToList();
        Assert.Equal(3, events.Count);
        Assert.All(events, e => Assert.DoesNotContain("ann@example.com", e.ToString(), StringComparison.Ordinal));
        Assert.All(events, e => Assert.DoesNotContain("Ann Smith", e.ToString(), StringComparison.Ordinal));
        Assert.All(events, e => Assert.DoesNotContain("tok-", e.ToString(), StringComparison.Ordinal));

        // The app's redactor ran on the classified parameter; our mask on the one whose name is sensitive.
        Assert.Equal("Signed in [redacted] after 3 attempts", events[0].GetProperty("message").GetString());
        Assert.Equal("Signed in {Email} after {Attempts} attempts", events[0].GetProperty("template").GetString());
        Assert.Equal("[redacted]", Property(events[0], "Email").GetString());
        Assert.Equal("***", Property(events[0], "password").GetString());
        Assert.Equal(3, Property(events[0], "Attempts").GetInt32());

        // [LogProperties]: one property per member, named as the extended logger names it.
        Assert.Equal("[redacted]", Property(events[1], "account.Name").GetString());
        Assert.Equal("gold", Property(events[1], "account.Plan").GetString());
        Assert.Equal("***", Property(events[1], "account.ApiToken").GetString());

        // Both in one template: the message shows each as its property.
        Assert.Equal("Issued *** to [redacted]", events[2].GetProperty("message").GetString());
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Signed in {Email} after {Attempts} attempts")]
    private static partial void SignedIn(ILogger logger, [PrivateData] string email, string password, int attempts);

    [LoggerMessage(Level = LogLevel.Information, Message = "Issued {ApiToken} to {Email}")]
    private static partial void Issued(ILogger logger, string apiToken, [PrivateData] string email);

    [LoggerMessage(Level = LogLevel.Information, Message = "Account updated")]
    private static partial void Updated(ILogger logger, [LogProperties] Account account);

    private static JsonElement Property(JsonElement stored, string name) => stored.GetProperty("properties").GetProperty(name);

    public sealed class Account
    {
        [PrivateData]
        public string Name { get; init; } = string.Empty;

        public string Plan { get; init; } = string.Empty;

        public string ApiToken { get; init; } = string.Empty;
    }

    private static class Taxonomy
    {
        public static DataClassification Private { get; } = new("Demo", "Private");
    }

    [AttributeUsage(AttributeTargets.Parameter | AttributeTargets.Property | AttributeTargets.Field)]
    private sealed class PrivateDataAttribute() : DataClassificationAttribute(Taxonomy.Private);

    /// <summary>A redactor of the package's kind whose output shows it ran (the package's own erase to nothing).</summary>
    private sealed class MarkingRedactor : Redactor
    {
        private const string Mark = "[redacted]";

        public override int GetRedactedLength(ReadOnlySpan<char> input) => Mark.Length;

        public override int Redact(ReadOnlySpan<char> source, Span<char> destination)
        {
            Mark.CopyTo(destination);
            return Mark.Length;
        }
    }
}
