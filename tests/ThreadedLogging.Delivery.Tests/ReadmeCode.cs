using Microsoft.Extensions.Logging;

namespace ThreadedLogging.Delivery.Tests;

/// <summary>
/// README's C# that no sample or test runs, as written there, so that a change of the API that breaks it breaks the
/// build (<see cref="ReadmeCodeTests"/> checks that every C# block of the READMEs is in a compiled file). Compiled, not
/// run: they name a receiver or a queue that is not here (logs.example.com, SQS in eu-west-1). README's quick start is
/// the sample's code (<see cref="SampleAppTests"/>) and its signal lines are the FaultClient's (ProcessEndTests).
/// </summary>
internal static class ReadmeCode
{
    /// <summary>README, "Compatibility: the seed's Python form".</summary>
    internal static void SeedSignature()
    {
        using var factory = LoggerFactory.Create(b => b.AddThreadedHttp("logs.example.com:80", "/log/{user}", "POST"));
        var log = factory.CreateLogger("Payroll");
        log.LogInformation("Paid {Employee} {Amount}", "alice", 1200m); // enqueues only; a worker ships it
    }

    /// <summary>README, "Amazon SQS", and the ThreadedLogging.Aws package's README.</summary>
    internal static void Sqs(string accessKey, string secretKey)
    {
        using var factory = LoggerFactory.Create(b => b.AddThreadedAws(accessKey, secretKey, "payroll-logs", revision: 12,
            o => o.Region = "eu-west-1"));                     // or b.AddCloudLaunch(CloudRecord.Load("cloud.json"))
        factory.CreateLogger("Payroll").LogInformation("Paid {Employee} {Amount}", "alice", 1200m);
    }
}
