using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ThreadedLogging.Tests.Pipeline;

/// <summary>
/// An <c>Add…</c> call made twice (a library's registration and the app's, or the app's own code in two places), as
/// <c>AddConsole</c> may be: one handler, its section bound once, each call's delegate after the binding in the order
/// of the calls. Through a real service provider, as the generic host builds it.
/// </summary>
public sealed class ProviderRegistrationTests
{
    [Fact]
    public void AddThreadedHttp_CalledTwice_SectionBoundOnce_ListsWithoutDuplicates_DelegatesAfterTheBinding()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Logging:ThreadedHttp:Host"] = "127.0.0.1:9",
            ["Logging:ThreadedHttp:Format"] = "JsonBatch",
            ["Logging:ThreadedHttp:BatchSize"] = "10",
            ["Logging:ThreadedHttp:ExcludedCategories:0"] = "Microsoft",
            ["Logging:ThreadedHttp:RedactedProperties:0"] = "ssn",
        }).Build();
        using var services = new ServiceCollection()
            .AddLogging(b => b.AddConfiguration(configuration.GetSection("Logging"))
                .AddThreadedHttp(o => o.BatchSize = 20) // the app's setting in code
                .AddThreadedHttp()) // a library's registration after it
            .BuildServiceProvider();

        Assert.Single(services.GetServices<ILoggerProvider>().OfType<ThreadedHttpHandler>());
        var options = services.GetRequiredService<IOptionsMonitor<ThreadedHttpHandlerOptions>>().Get("ThreadedHttp");

        // Before: each call bound the section again, so each item of a list came twice, and the second binding undid the
        // first call's delegate (BatchSize 10, the section's, over the app's 20).
        Assert.Equal(["ThreadedLogging", "Microsoft"], options.ExcludedCategories);
        Assert.Equal(["password", "secret", "token", "apikey", "authorization", "ssn"], options.RedactedProperties);
        Assert.Equal(20, options.BatchSize);
        Assert.Equal(HttpLogFormat.JsonBatch, options.Format);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AddThreadedHttpSeedSignature_CalledTwice_PythonFormStillOnlyItsDefault_ListsOnce(bool formatInCode)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Logging:ThreadedHttp:ExcludedCategories:0"] = "Microsoft",
        }).Build();
        using var services = new ServiceCollection()
            .AddLogging(b =>
            {
                b.AddConfiguration(configuration.GetSection("Logging"));
                if (formatInCode)
                {
                    b.AddThreadedHttp(o => o.Format = HttpLogFormat.JsonBatch); // before the seed overloads: still wins (d301a55)
                }

                b.AddThreadedHttp("127.0.0.1:9", "/log").AddThreadedHttp("127.0.0.1:9", "/log");
            })
            .BuildServiceProvider();

        Assert.Single(services.GetServices<ILoggerProvider>().OfType<ThreadedHttpHandler>());
        var options = services.GetRequiredService<IOptionsMonitor<ThreadedHttpHandlerOptions>>().Get("ThreadedHttp");
        Assert.Equal(formatInCode ? HttpLogFormat.JsonBatch : HttpLogFormat.PythonForm, options.Format);
        Assert.Equal(["ThreadedLogging", "Microsoft"], options.ExcludedCategories);
    }
}
