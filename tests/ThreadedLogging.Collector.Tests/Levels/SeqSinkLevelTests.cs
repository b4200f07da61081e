using System.Net.Http.Json;
using System.Text.Json;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Levels;

/// <summary>The real Serilog.Sinks.Seq follows a level rule through <c>MinimumLevelAccepted</c> (issue 13).</summary>
public sealed class SeqSinkLevelTests
{
    [Fact]
    public async Task SeqSink_RuleForItsUser_SwitchFollowsRuleAndBackAfterRevoke()
    {
        await using var collector = await CollectorFixture.StartAsync("--Collector:Clef:MinimumLevelAccepted=Information");
        var levelSwitch = new LoggingLevelSwitch(LogEventLevel.Information);
        var log = new LoggerConfiguration()
            .MinimumLevel.ControlledBy(levelSwitch)
            .Enrich.WithProperty("Application", "Payroll")
            .Enrich.WithProperty("UserName", "alice")
            .WriteTo.Seq(collector.BaseAddress.ToString(), controlLevelSwitch: levelSwitch, period: TimeSpan.FromMilliseconds(20))
            .CreateLogger();
        try
        {
            log.Debug("before the rule");
            log.Information("first");
            await collector.WaitForEventsAsync(1);

            using var created = await collector.Client.PostAsJsonAsync("api/levels", new { user = "alice", level = "Debug", duration = "00:10:00" });
            var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt64();
            log.Information("second");
            await WaitForLevelAsync(levelSwitch, LogEventLevel.Debug);
            log.Debug("during the rule");
            await collector.WaitForEventsAsync(3);

            using var revoked = await collector.Client.DeleteAsync(new Uri($"api/levels/{id}", UriKind.Relative));
            log.Information("third");
            await WaitForLevelAsync(levelSwitch, LogEventLevel.Information);
            log.Debug("after the rule");
            log.Information("fourth");
            var events = await collector.WaitForEventsAsync(5);

            Assert.Equal(
                ["first", "second", "during the rule", "third", "fourth"],
                events.Select(e => e.GetProperty("message").GetString()).Reverse());
        }
        finally
        {
            await log.DisposeAsync();
        }
    }

    /// <summary>The sink sets the switch from the answer of its next batch: wait for the switch's change (bounded, not a timing assertion).</summary>
    private static async Task WaitForLevelAsync(LoggingLevelSwitch levelSwitch, LogEventLevel level)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnChanged(object? sender, LoggingLevelSwitchChangedEventArgs e)
        {
            if (e.NewLevel == level)
            {
                reached.TrySetResult();
            }
        }

        levelSwitch.MinimumLevelChanged += OnChanged;
        try
        {
            if (levelSwitch.MinimumLevel != level)
            {
                await reached.Task.WaitAsync(TimeSpan.FromMinutes(1));
            }
        }
        catch (TimeoutException)
        {
            Assert.Fail($"the switch stayed at {levelSwitch.MinimumLevel}");
        }
        finally
        {
            levelSwitch.MinimumLevelChanged -= OnChanged;
        }
    }
}
