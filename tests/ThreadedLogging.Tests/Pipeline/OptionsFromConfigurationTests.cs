using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ThreadedLogging.Testing;

namespace ThreadedLogging.Tests.Pipeline;

/// <summary>
/// Values an app's configuration can hold that were accepted and then lost or misfiled events (or threw from the
/// worker): bound as an app binds them (<c>Logging:{alias}</c> of an <c>appsettings.json</c>), each must stop the
/// logger factory from being made, with an exception naming the option and the value.
/// </summary>
public sealed class OptionsFromConfigurationTests
{
    [Theory]
    // A retry wait past ~49.7 days threw from Task.Delay in the worker: the batch was dropped as an internal error.
    [InlineData("Threaded", "MaxRetryDelay", "100.00:00:00", "100.00:00:00")]
    // The spool computed now minus the age: an internal error at every append and read, each batch dropped.
    [InlineData("Threaded", "MaxBufferAge", "10675199.00:00:00", "10675199.00:00:00")]
    // Resolved against the working directory: a start from another one never found what a crash left in the spool.
    [InlineData("Threaded", "BufferDirectory", "log-spool", "'log-spool'")]
    // Left as it was by the expansion: a directory literally named %TL_TEST_NOT_SET% under the working directory.
    [InlineData("Threaded", "BufferDirectory", "/var/tmp/%TL_TEST_NOT_SET%/spool", "%TL_TEST_NOT_SET%")]
    // Threw the file system's "Null character in path (Parameter 'path')", naming no option.
    [InlineData("Threaded", "BufferDirectory", "/var/tmp/log\0spool", "index 12")]
    // Normalized to nothing, the pattern was left out: whatever it was meant to mask was sent.
    [InlineData("Threaded", "RedactedProperties:0", "--", "'--'")]
    // Events filed under a blank name, or apart from 'alice' under 'alice\n' or ' Payroll'.
    [InlineData("Threaded", "User", "  ", "'  '")]
    [InlineData("Threaded", "User", "alice\n", "'alice\\u000a'")]
    [InlineData("Threaded", "App", " Payroll", "' Payroll'")]
    [InlineData("Threaded", "Machine", "PC-042\t", "'PC-042\\u0009'")]
    [InlineData("Threaded", "Version", "1.2.0\r\n", "'1.2.0\\u000d\\u000a'")]
    // HttpClient's CancelAfter threw at every send: each batch dropped ("the sink threw ArgumentOutOfRangeException ... 'delay'").
    [InlineData("ThreadedHttp", "RequestTimeout", "100.00:00:00", "100.00:00:00")]
    // Threw the timer's "dueTime ('8640000000') must be less than or equal to '4294967294'", naming no option.
    [InlineData("ThreadedHttp", "LevelPollInterval", "100.00:00:00", "100.00:00:00")]
    // Basic authentication ends the user name at the first colon (RFC 7617): the rest went into the password, and is
    // not shown (a password typed into the user name: 'ops:s3cret' was shown whole).
    [InlineData("ThreadedHttp", "Credentials:UserName", "ops:s3cret", "'ops:***', the rest not shown")]
    [InlineData("ThreadedHttp", "BufferDirectory", "spool", "'spool'")]
    // A time span written as a number of seconds is read as days: the refusal said "(was 5.00:00:00)" of a value written as 5.
    [InlineData("ThreadedHttp", "ShutdownTimeout", "5", "Logging:ThreadedHttp:ShutdownTimeout is '5', which .NET reads as 5 days: write 00:00:05 for 5 seconds.")]
    [InlineData("Threaded", "Interval", "2", "Logging:Threaded:Interval is '2', which .NET reads as 2 days: write 00:00:02 for 2 seconds.")]
    public void AddThreaded_BadValueInConfiguration_FactoryThrowsNamingOptionAndValue(string alias, string key, string value, string shown)
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => Build(alias, new() { [key] = value }));

        var option = key.Split(':')[0];
        Assert.Equal(option, error.ParamName);
        Assert.StartsWith($"Logging:{alias}:{option}", error.Message, StringComparison.Ordinal); // the key as written, not its bare name
        Assert.Contains(shown, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    // The section's name misspelt: every option written there was ignored, and the refusal read as if Host had never been written.
    [InlineData("ThreadedHtpp", "Host must be 'name' or 'name:port' (was ''). Logging:ThreadedHttp:Host is not set: the configuration has no section Logging:ThreadedHttp (Logging:ThreadedHtpp is one: misspelt?).")]
    [InlineData("Console", "Host must be 'name' or 'name:port' (was ''). Logging:ThreadedHttp:Host is not set: the configuration has no section Logging:ThreadedHttp.")]
    [InlineData("ThreadedHttp", "Host must be 'name' or 'name:port' (was ''). Logging:ThreadedHttp:Host is not set.")]
    public void AddThreadedHttp_HostNotSetWhereItIsRead_RefusalSaysWhereItWasLookedFor(string section, string expected)
    {
        // As the generic host registers them: the app's configuration a service, its Logging section MEL's.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"Logging:{section}:Url"] = "/log/{user}",
            [$"Logging:{section}:Format"] = "JsonBatch",
        }).Build();
        using var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddLogging(b => b.AddConfiguration(configuration.GetSection("Logging")).AddThreadedHttp())
            .BuildServiceProvider();

        var error = Assert.Throws<ArgumentException>(() => services.GetRequiredService<ILoggerFactory>());

        Assert.Equal("Host", error.ParamName);
        Assert.Equal($"{expected} (Parameter 'Host')", error.Message);
    }

    [Fact]
    public void AddThreadedHttp_HostNotSetTwoSectionsNearItsName_RefusalNamesTheNearest()
    {
        // The section's name was matched by its own rule (the first sibling at most two edits away, in the configuration's
        // order): ThreadedHppp (two edits) came before ThreadedHtpp (one). NearName's rule now, as for a misspelt option: the nearest.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Logging:ThreadedHppp:Url"] = "/log/{user}",
            ["Logging:ThreadedHtpp:Url"] = "/log/{user}",
        }).Build();
        using var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddLogging(b => b.AddConfiguration(configuration.GetSection("Logging")).AddThreadedHttp())
            .BuildServiceProvider();

        var error = Assert.Throws<ArgumentException>(() => services.GetRequiredService<ILoggerFactory>());

        Assert.EndsWith("the configuration has no section Logging:ThreadedHttp (Logging:ThreadedHtpp is one: misspelt?). (Parameter 'Host')", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddThreadedHttp_OutOfRangeInConfiguration_RefusalNamesTheFullKeyAsOtherRefusalsDo()
    {
        // "BatchSize must be between 1 and 100000 (was 0)." where a misspelt key, a bad enum and a value the binder
        // cannot convert are each named Logging:ThreadedHttp:…: an app looks for the key at the top of its appsettings.json.
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Build("ThreadedHttp", new() { ["BatchSize"] = "0" }));

        Assert.Equal(("BatchSize", (object?)0), (error.ParamName, error.ActualValue));
        Assert.StartsWith("Logging:ThreadedHttp:BatchSize must be between 1 and 100000 (was 0).", error.Message, StringComparison.Ordinal);
        var group = Assert.ThrowsAny<ArgumentException>(() => Build("ThreadedHttp", new() { ["Credentials:UserName"] = "ops:s3cret", ["Credentials:Password"] = "x" }));
        Assert.StartsWith("Logging:ThreadedHttp:Credentials:UserName must not contain ':'", group.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddThreadedHttp_OutOfRangeSetInCodeOverConfiguration_RefusalKeepsTheOptionsName()
    {
        // The value refused is the delegate's, not the section's: naming the section's key would send the app to a value that is fine.
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Build("ThreadedHttp", new() { ["BatchSize"] = "500" }, o => o.BatchSize = 0));

        Assert.StartsWith("BatchSize must be between 1 and 100000 (was 0).", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddThreaded_MinRetryDelayOfOneInConfiguration_RefusalSaysItsValueIsADay()
    {
        // "1" is a day: it was refused as "MaxRetryDelay must be at least MinRetryDelay and at most 1 day (was 00:02:00)",
        // about an option the app had not set, with no word of MinRetryDelay's value.
        var error = Assert.ThrowsAny<ArgumentException>(() => Build("Threaded", new() { ["MinRetryDelay"] = "1" }));

        Assert.StartsWith("Logging:Threaded:MinRetryDelay must be at most MaxRetryDelay (00:02:00) (was 1.00:00:00).", error.Message, StringComparison.Ordinal);
        Assert.Contains("Logging:Threaded:MinRetryDelay is '1', which .NET reads as 1 day: write 00:00:01 for 1 second.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddThreaded_MinRetryDelayAboveTheDefaultMaxInConfiguration_RefusalNamesTheKeyTheAppSet()
    {
        // It was refused as "MaxRetryDelay must be at least MinRetryDelay (00:05:00) (was 00:02:00).": the option the app
        // had not set, without its section, so the app looked for a MaxRetryDelay its appsettings.json does not hold.
        var error = Assert.ThrowsAny<ArgumentException>(() => Build("ThreadedHttp", new() { ["MinRetryDelay"] = "00:05:00" }));

        Assert.Equal("MinRetryDelay", error.ParamName);
        Assert.StartsWith("Logging:ThreadedHttp:MinRetryDelay must be at most MaxRetryDelay (00:02:00) (was 00:05:00).", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Host:0", "127.0.0.1:5191", "Host")] // "Host": ["127.0.0.1:5191"]: "Host must be 'name' or 'name:port' (was '')"
    [InlineData("ApiKey:a", "1", "ApiKey")] // "ApiKey": {"a": 1}: the binder's "Cannot create instance of type 'System.String'"
    [InlineData("BatchSize:value", "500", "BatchSize")] // a number as a section: skipped without a word
    [InlineData("ShutdownTimeout:seconds", "5", "ShutdownTimeout")]
    public void AddThreadedHttp_OneValueOptionGivenAListOrSection_RefusalNamesTheKeyNotTheValue(string key, string value, string option)
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => Build("ThreadedHttp", new() { [key] = value }));

        Assert.Equal(option, error.ParamName);
        Assert.StartsWith($"Logging:ThreadedHttp:{option} takes one value, not a list or a section (Logging:ThreadedHttp:{key} was given; not applied): write \"{option}\": \"…\".", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("'" + value + "'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddThreaded_MaxRetryDelayBelowTheDefaultMinInConfiguration_RefusalStillNamesMaxRetryDelay()
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => Build("ThreadedHttp", new() { ["MaxRetryDelay"] = "00:00:00.5" }));

        Assert.Equal("MaxRetryDelay", error.ParamName);
        Assert.StartsWith("Logging:ThreadedHttp:MaxRetryDelay must be at least MinRetryDelay (00:00:01) (was 00:00:00.5000000).", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddThreadedHttp_CredentialsGivenOneValue_FactoryThrowsNamingItsSettingsNotTheValue()
    {
        // The binder skipped it without a word: no credentials were sent and the receiver refused every request (401).
        var error = Assert.Throws<ArgumentException>(() => Build("ThreadedHttp", new() { ["Credentials"] = "ops-s3cret" }));

        Assert.Equal("Credentials", error.ParamName);
        Assert.StartsWith("Logging:ThreadedHttp:Credentials is a group of settings: give Credentials:Password and Credentials:UserName (a JSON object), not one value", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddThreaded_ABareNumberInAnOptionNotRefused_NoHintOfDays()
    {
        // A week of spool written as "7" is right: the hint told the app to write 00:00:07 when BatchSize was refused,
        // which would drop everything on disk older than 7 seconds.
        var error = Assert.ThrowsAny<ArgumentException>(() => Build("ThreadedHttp", new() { ["MaxBufferAge"] = "7", ["BatchSize"] = "0" }));

        Assert.StartsWith("Logging:ThreadedHttp:BatchSize must be between 1 and 100000 (was 0).", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("MaxBufferAge", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddThreaded_ZeroOrAFullTimeSpanInConfiguration_NoHintOfDays()
    {
        // "0" is zero in any unit, "00:00:05" is written as a TimeSpan: neither is said to be days when another option is refused.
        var error = Assert.ThrowsAny<ArgumentException>(() => Build("ThreadedHttp", new() { ["LevelPollInterval"] = "0", ["ShutdownTimeout"] = "00:00:05", ["BatchSize"] = "0" }));

        Assert.StartsWith("Logging:ThreadedHttp:BatchSize must be between 1 and 100000 (was 0).", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("days", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddThreaded_LimitsAndPlainNamesInConfiguration_Accepted()
    {
        using var spool = new TempDirectory();
        var handler = Build("ThreadedHttp", new()
        {
            ["BufferDirectory"] = Path.Combine(spool.Path, "log-spool"),
            ["MaxRetryDelay"] = "1.00:00:00",
            ["MaxBufferAge"] = "3650.00:00:00",
            ["RequestTimeout"] = "01:00:00",
            ["LevelPollInterval"] = "1.00:00:00",
            ["RedactedProperties:0"] = "ssn",
            ["User"] = "alice",
            ["App"] = "Payroll",
            ["Version"] = "1.2.0",
            ["Machine"] = "PC-042",
            ["Credentials:UserName"] = "ops",
            ["Credentials:Password"] = "tl:3f9 A+/=",
        });

        Assert.Equal("alice", handler.Identity.User);
        Assert.Equal("Payroll", handler.Identity.App);
    }

    [Fact]
    public void ResolveBufferDirectory_SetVariable_ExpandedToAFullPath()
    {
        var (name, value) = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .Select(e => ((string)e.Key, e.Value as string))
            .First(e => e.Item2 is { Length: > 0 } v && Path.IsPathFullyQualified(v) && !e.Item1.Contains('%', StringComparison.Ordinal));

        Assert.Equal(Path.GetFullPath(Path.Combine(value!, "spool")), ThreadedHandlerOptions.ResolveBufferDirectory($"%{name}%/spool"));
    }

    [Theory]
    [InlineData("%LocalAppData%/MyApp/log-spool", "LocalAppData", Environment.SpecialFolder.LocalApplicationData)] // Windows' names are any case
    [InlineData(@"%APPDATA%\MyApp\log-spool", "APPDATA", Environment.SpecialFolder.ApplicationData)] // written for Windows: '\' a separator
    public void ResolveBufferDirectory_WindowsSpellingOfAnAppDataPath_TheSameFolderOnThisOs(string written, string variable, Environment.SpecialFolder folder)
    {
        var expected = Environment.GetEnvironmentVariable(variable) ?? Environment.GetFolderPath(folder, Environment.SpecialFolderOption.DoNotVerify);

        Assert.Equal(Path.GetFullPath(Path.Combine(expected, "MyApp", "log-spool")), ThreadedHandlerOptions.ResolveBufferDirectory(written));
    }

    [Theory]
    [InlineData("LOCALAPPDATA", Environment.SpecialFolder.LocalApplicationData)]
    [InlineData("APPDATA", Environment.SpecialFolder.ApplicationData)]
    public void ResolveBufferDirectory_AppDataVariableOfWindows_IsThatVariableOrElseTheSameFolderOfThisOs(string variable, Environment.SpecialFolder folder)
    {
        // README's example, %LOCALAPPDATA%/MyApp/log-spool, stopped the logger factory on Linux and macOS (the variable is
        // Windows'): an app installed on every OS needs one setting. Where it is set, it is what counts.
        var expected = Environment.GetEnvironmentVariable(variable) ?? Environment.GetFolderPath(folder, Environment.SpecialFolderOption.DoNotVerify);
        Assert.Equal(Path.GetFullPath(Path.Combine(expected, "MyApp", "log-spool")), ThreadedHandlerOptions.ResolveBufferDirectory($"%{variable}%/MyApp/log-spool"));

        var app = "tl-test-" + Guid.NewGuid().ToString("N");
        try
        {
            Build("Threaded", new() { ["BufferDirectory"] = $"%{variable}%/{app}/log-spool" }); // made, used, disposed
            Assert.True(Directory.Exists(Path.Combine(expected, app, "log-spool")));
        }
        finally
        {
            if (Directory.Exists(Path.Combine(expected, app)))
            {
                Directory.Delete(Path.Combine(expected, app), recursive: true);
            }
        }
    }

    /// <summary>Makes the logger factory of an app whose configuration holds <paramref name="values"/> under <c>Logging:{alias}</c>; returns its handler.</summary>
    private static ThreadedHandler Build(string alias, Dictionary<string, string?> values, Action<ThreadedHttpHandlerOptions>? configure = null)
    {
        var settings = values.ToDictionary(e => $"Logging:{alias}:{e.Key}", e => e.Value);
        if (alias == "ThreadedHttp")
        {
            if (!values.Keys.Any(k => k.StartsWith("Host:", StringComparison.Ordinal)))
            {
                settings.TryAdd("Logging:ThreadedHttp:Host", "127.0.0.1:9");
            }
            settings.TryAdd("Logging:ThreadedHttp:Format", "JsonBatch");
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging(b =>
        {
            b.AddConfiguration(configuration.GetSection("Logging"));
            if (alias == "Threaded")
            {
                b.AddThreaded(NullLoggerProvider.Instance);
            }
            else
            {
                b.AddThreadedHttp(configure);
            }
        });
        var provider = services.BuildServiceProvider();
        try
        {
            provider.GetRequiredService<ILoggerFactory>();
            return provider.GetServices<ILoggerProvider>().OfType<ThreadedHandler>().Single();
        }
        finally
        {
            provider.Dispose();
        }
    }
}
