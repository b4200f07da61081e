using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using ThreadedLogging.Collector.Storage.Postgres;
using ThreadedLogging.Collector.Tests.Security;
using ThreadedLogging.Collector.Tests.Support;
using ThreadedLogging.Testing;

namespace ThreadedLogging.Collector.Tests;

/// <summary>
/// Collector settings with values that were accepted and then lost events, failed later or never worked: each stops
/// the start with a message naming the setting (and the value, unless it is a secret).
/// </summary>
public sealed class CollectorOptionsStartupTests
{
    private const string Secret = "s3cret-Key-42";

    [Theory]
    // A misspelt key was skipped: retention stayed at 30 days (events removed that were meant to be kept), a queue undrained.
    [InlineData("Collector:Retention:MaxAgee is not a setting (MaxAge, MaxBytes, MinFreeBytes, Interval)", "--Collector:Retention:MaxAgee=3650.00:00:00")]
    [InlineData("Collector:RetentionMaxAge is not a setting", "--Collector:RetentionMaxAge=3650.00:00:00")]
    [InlineData("Collector:Sqs:Queues:0:Nmae is not a setting (Name, Url,", "--Collector:Sqs:Queues:0:Nmae=logs", "--Collector:Sqs:Queues:0:Url=http://127.0.0.1:9/1/logs")]
    [InlineData("Collector:Metrics:OtlpEndpont is not a setting", "--Collector:Metrics:OtlpEndpont=http://127.0.0.1:4318")]
    // "Forever" failed every retention run (MaxBytes with it); a long RetryDelay stopped a receiver at its first pause.
    [InlineData("Collector:Retention:MaxAge must be between 00:01:00 and 3650.00:00:00 (was 10675199.02:48:05.4775807)", "--Collector:Retention:MaxAge=10675199.02:48:05.4775807")]
    [InlineData("Collector:Sqs:RetryDelay must be between 00:00:00.001 and 01:00:00 (was 10675199.02:48:05.4775807)", "--Collector:Sqs:RetryDelay=10675199.02:48:05.4775807")]
    [InlineData("Collector:Sqs:RetryDelay must be between 00:00:00.001 and 01:00:00 (was 00:00:00.0001000)", "--Collector:Sqs:RetryDelay=00:00:00.0001")]
    // A single value given to a list of sections or a section was skipped by the binder: no queue drained, no rule.
    [InlineData("Collector:Sqs:Queues is a list: a single value is not read; give each item its index (Collector:Sqs:Queues:0:Name=…", "--Collector:Sqs:Queues=myqueue")]
    [InlineData("Collector:Retention is a section: a single value is not read; give its settings (Collector:Retention:MaxAge=…)", "--Collector:Retention=30")]
    [InlineData("Collector:Alerts:Rules is a list: a single value is not read", "--Collector:Alerts:Rules=oops")]
    [InlineData("Collector:Sqs is a section: a single value is not read; give its settings (Collector:Sqs:Queues=…)", "--Collector:Sqs=logs")]
    [InlineData(", Sqs, Identity, Clef, OtlpGrpcPort).", "--Collector:RetentionMaxAge=1")] // the sections other parts bind were left out of the list
    // A computed property with a private setter was taken as a setting (the binder ignores it) and listed as one.
    [InlineData("Collector:Alerts:CheckedRules is not a setting (Interval, Rules, WebhookAllowedHosts, WebhookProxy, WebhookTrustedCertificates)", "--Collector:Alerts:CheckedRules=x")]
    [InlineData("Collector:Alerts:Destinations is not a setting (Interval, Rules, WebhookAllowedHosts, WebhookProxy, WebhookTrustedCertificates)", "--Collector:Alerts:Destinations=x")]
    // The binder's "Failed to convert configuration value '3 days' … to type 'System.TimeSpan'" left the valid form to guess.
    [InlineData("Collector:Retention:MaxAge is '7x', which is not a duration written [d.]hh:mm:ss, e.g. 7.00:00:00 for 7 days", "--Collector:Retention:MaxAge=7x")]
    [InlineData("Collector:Retention:MaxAge is '3 days', which is not a duration written [d.]hh:mm:ss, e.g. 7.00:00:00 for 7 days", "--Collector:Retention:MaxAge=3 days")]
    [InlineData("Collector:Sqs:RetryDelay is '5s', which is not a duration written [d.]hh:mm:ss", "--Collector:Sqs:RetryDelay=5s")]
    [InlineData("Collector:MaxQueryLimit is '', which is not a whole number without separators or units, e.g. 1000", "--Collector:MaxQueryLimit=")]
    [InlineData("Collector:MaxExportEvents is '1e6', which is not a whole number without separators or units, e.g. 1000", "--Collector:MaxExportEvents=1e6")]
    [InlineData("Collector:AllowUnauthenticated is 'yes', which is not true or false.", "--Collector:AllowUnauthenticated=yes")]
    // A misspelt section was skipped whole: the collector started on its defaults (open ingest, ./data).
    [InlineData("'Colector' (Colector:Port, from the command line) is no section the collector reads: did you mean 'Collector'?", "--Colector:Port=1")]
    [InlineData("'ConnectionString' (ConnectionString:Events, from the command line) is no section the collector reads: did you mean 'ConnectionStrings'?", "--ConnectionString:Events=Host=db")]
    [InlineData("'url' (url, from the command line) is no section the collector reads: did you mean 'urls'?", "--url=http://127.0.0.1:0")]
    // The command line is this program's: a misspelt switch (--dta) or one it has none of was skipped (data in ./data).
    [InlineData("'dta' (dta, from the command line) is no section the collector reads: did you mean '--data'?", "--dta=/srv/logs")]
    [InlineData("'--Foo' (from the command line) is no setting the collector reads", "--Foo=bar")]
    [InlineData("the settings file '/nonexistent/collector.json' (--config) does not exist", "--config=/nonexistent/collector.json")]
    [InlineData("Collector:MaxQueryLimit must be between 1 and 100000 (was -5)", "--Collector:MaxQueryLimit=-5")]
    // Not http(s): every receive failed, retried for ever.
    [InlineData("Collector:Sqs:Queues:0:Url must be an absolute http or https URL (was '/123456789012/logs')", "--Collector:Sqs:Queues:0:Url=/123456789012/logs")]
    [InlineData("Collector:Sqs:Queues:0:ServiceUrl must be an absolute http or https URL (was 'localhost:9324')", "--Collector:Sqs:Queues:0:Name=logs", "--Collector:Sqs:Queues:0:ServiceUrl=localhost:9324")]
    // A password holding a '/' (no URL for Uri, so refused) was quoted whole in the refusal; masked as a proxy's is.
    [InlineData("Collector:Sqs:Queues:0:ServiceUrl must be an absolute http or https URL (was 'http://***@localhost:9324')", "--Collector:Sqs:Queues:0:Name=logs", "--Collector:Sqs:Queues:0:ServiceUrl=http://ops:" + Secret + "/x@localhost:9324")]
    [InlineData("Collector:Sqs:Queues:0:Url must be an absolute http or https URL (was 'https://***@sqs.eu-west-1.amazonaws.com/123456789012/logs')", "--Collector:Sqs:Queues:0:Url=https://ops:" + Secret + "/x@sqs.eu-west-1.amazonaws.com/123456789012/logs")]
    // The client's SQS checks, missing here: a token without keys was ignored (the default chain ran), a pasted space or
    // line break made a key AWS does not know, a region that is none.
    [InlineData("Collector:Sqs:Queues:0:SessionToken must come with AccessKey and SecretAccessKey", "--Collector:Sqs:Queues:0:Name=logs", "--Collector:Sqs:Queues:0:SessionToken=" + Secret)]
    [InlineData("Collector:Sqs:Queues:0:SecretAccessKey has white space, a control or a non-ASCII character at index 13", "--Collector:Sqs:Queues:0:Name=logs", "--Collector:Sqs:Queues:0:AccessKey=AKIA1", "--Collector:Sqs:Queues:0:SecretAccessKey=" + Secret + "\n")]
    [InlineData("Collector:Sqs:Queues:0:Region must be an AWS region name such as eu-west-1", "--Collector:Sqs:Queues:0:Name=logs", "--Collector:Sqs:Queues:0:Region=eu west 1")]
    [InlineData("Collector:Sqs:Queues:0:Region must be an AWS region name such as eu-west-1: letters and digits between single '-', with the region's number (eu-west-1, not eu-west) (was 'us-east')", "--Collector:Sqs:Queues:0:Name=logs", "--Collector:Sqs:Queues:0:Region=us-east")]
    // Kestrel threw "Parameter 'port'" at start.
    [InlineData("the listen address 'http://127.0.0.1:70000' (urls, ASPNETCORE_URLS, HTTP_PORTS or Kestrel:Endpoints) has the port 70000", "--urls=http://127.0.0.1:70000")]
    // Kestrel threw "A path base can only be configured using IApplicationBuilder.UsePathBase()" unhandled (134); a ',' list was refused as one address off loopback without keys.
    [InlineData("the listen address 'http://127.0.0.1:0/logs' (urls, ASPNETCORE_URLS, HTTP_PORTS or Kestrel:Endpoints) has a path ('/logs'): listen at the root of an address and set Collector:PathBase=/logs to serve under it", "--urls=http://127.0.0.1:0/logs")]
    // A query was part of the path suggested: "set Collector:PathBase=/x?k=v", itself refused.
    [InlineData("the listen address 'http://127.0.0.1:0/x?k=v' (urls, ASPNETCORE_URLS, HTTP_PORTS or Kestrel:Endpoints) has a path ('/x?k=v'): listen at the root of an address and set Collector:PathBase=/x to serve under it (README, TLS).", "--urls=http://127.0.0.1:0/x?k=v")]
    [InlineData("the listen address 'http://127.0.0.1:0/x!' (urls, ASPNETCORE_URLS, HTTP_PORTS or Kestrel:Endpoints) has a path ('/x!'): listen at the root of an address and set Collector:PathBase to serve under a path (/logs) (README, TLS).", "--urls=http://127.0.0.1:0/x!")]
    [InlineData("the listen address 'http://127.0.0.1:0,http://[::1]:0' (urls, ASPNETCORE_URLS, HTTP_PORTS or Kestrel:Endpoints) holds a ',': separate several addresses with ';'", "--urls=http://127.0.0.1:0,http://[::1]:0")]
    // A user part: Kestrel took 'ops:<secret>@127.0.0.1' for the host, off loopback, and the keys' refusal quoted it whole;
    // every refusal of a listen address quoted it whole (collleft5 leftover): masked as f06532c9 masks other addresses.
    [InlineData("the listen address 'http://***@127.0.0.1:0' (urls, ASPNETCORE_URLS, HTTP_PORTS or Kestrel:Endpoints) holds a user name or password: a listen address takes none", "--urls=http://ops:" + Secret + "@127.0.0.1:0")]
    [InlineData("the listen address 'https://***@127.0.0.1:0' (urls, ASPNETCORE_URLS, HTTP_PORTS or Kestrel:Endpoints) holds a user name or password", "--Kestrel:Endpoints:Main:Url=https://" + Secret + "@127.0.0.1:0")]
    [InlineData("the listen address 'http://***@127.0.0.1:0,http://[::1]:0' (urls, ASPNETCORE_URLS, HTTP_PORTS or Kestrel:Endpoints) holds a ','", "--urls=http://ops:" + Secret + "@127.0.0.1:0,http://[::1]:0")]
    [InlineData("the listen address '***@127.0.0.1:0' (urls, ASPNETCORE_URLS, HTTP_PORTS or Kestrel:Endpoints) is not a URL", "--urls=http:/ops:" + Secret + "@127.0.0.1:0")]
    [InlineData("Collector:OtlpGrpcPort must be a port from 1 to 65535 (was '-1')", "--Collector:OtlpGrpcPort=-1")]
    // The console and API under a proxy's prefix: a path only, from the root.
    [InlineData("Collector:PathBase must start with '/' (was 'logs')", "--Collector:PathBase=logs")]
    [InlineData("Collector:PathBase is a path only, without a query or fragment (was '/logs?x=1')", "--Collector:PathBase=/logs?x=1")]
    [InlineData("Collector:PathBase must be segments of letters, digits, '-', '_', '.' and '~' separated by single '/' (was '/a//b')", "--Collector:PathBase=/a//b")]
    [InlineData("Collector:PathBase must be segments of letters, digits, '-', '_', '.' and '~' separated by single '/' (was '/logs/../admin')", "--Collector:PathBase=/logs/../admin")]
    // Npgsql threw a bare ArgumentOutOfRangeException from Build.
    [InlineData("ConnectionStrings:Events is not a valid PostgreSQL connection string", "--Collector:Store=postgres", "--ConnectionStrings:Events=Host=127.0.0.1;Port=70000;Username=u;Password=" + Secret)]
    [InlineData("ConnectionStrings:Events is not a valid PostgreSQL connection string: Couldn't set pasword", "--Collector:Store=postgres", "--ConnectionStrings:Events=Host=127.0.0.1;Username=u;Pasword=" + Secret)]
    // Keys no client can send (HTTP trims the spaces, Kestrel refuses the rest: every request a 401), or one key in two roles.
    [InlineData("Collector:IngestApiKeys:1 starts or ends with white space", "--Collector:IngestApiKeys:0=ingest-1", "--Collector:IngestApiKeys:1=" + Secret + " ")]
    [InlineData("Collector:ReadApiKey has a control or non-ASCII character at index 4", "--Collector:ReadApiKey=s3cr\n" + Secret)]
    [InlineData("Collector:AdminApiKey has a control or non-ASCII character at index 0", "--Collector:AdminApiKey=\u00e9" + Secret)]
    [InlineData("Collector:ReadApiKey must not be empty or blank", "--Collector:ReadApiKey=  ")]
    // One read key given as a list (to rotate it, as ingest keys are): the binder's "Cannot create instance of type 'System.String'", no setting named.
    [InlineData("Collector:ReadApiKey takes one value, not a list or a section (Collector:ReadApiKey:0 was given)", "--Collector:ReadApiKey:0=" + Secret, "--Collector:ReadApiKey:1=" + Secret + "-2")]
    [InlineData("Collector:Retention:MaxAge takes one value, not a list or a section (Collector:Retention:MaxAge:days was given)", "--Collector:Retention:MaxAge:days=7")]
    // A libpq URL (DATABASE_URL): Npgsql's "Format of the initialization string does not conform to specification starting at index 0".
    [InlineData("ConnectionStrings:Events is a URL (postgresql://…), which Npgsql does not read: write it as keywords", "--Collector:Store=postgres", "--ConnectionStrings:Events=postgresql://collector:" + Secret + "@127.0.0.1:5432/logs")]
    [InlineData("ConnectionStrings:Events is a URL (postgresql://…)", "--Collector:Store=postgres", "--ConnectionStrings:Events= postgres://collector:" + Secret + "@db/logs?sslmode=require")]
    [InlineData("Collector:IngestApiKeys:0 and Collector:ReadApiKey are the same key: each role needs its own", "--Collector:IngestApiKeys:0=" + Secret, "--Collector:ReadApiKey=" + Secret)]
    [InlineData("Collector:ReadApiKey and Collector:AdminApiKey are the same key", "--Collector:ReadApiKey=" + Secret, "--Collector:AdminApiKey=" + Secret)]
    // Shown in every cross-origin refusal's answer and in alert links.
    [InlineData("Collector:PublicUrl must not hold a user name or password", "--Collector:PublicUrl=https://ops:" + Secret + "@logs.example.com/")]
    [InlineData("Collector:PublicUrl must be an absolute http or https address without a query, where the support page is reached (was 'https://***@logs.example.com/')", "--Collector:PublicUrl=https://ops:" + Secret + "/x@logs.example.com/")]
    // Npgsql's FormatException ("The input string 's3cret…@127.0.0.1' was not in a correct format") escaped the check, the password in it.
    [InlineData("ConnectionStrings:Events is not a valid PostgreSQL connection string: a value is not in its keyword's form", "--Collector:Store=postgres", "--ConnectionStrings:Events=Host=ops:" + Secret + "@127.0.0.1;Username=u")]
    public async Task Start_BadSetting_RefusedNamingItNeverTheSecret(string reason, params string[] args)
    {
        var error = await Assert.ThrowsAsync<CollectorConfigurationException>(async () =>
        {
            await using var collector = await CollectorFixture.StartAsync(args);
        });

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, error.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Where the collector says its PostgreSQL store is (postgresql://user@host:port/database: the start's refusal, the log,
    /// /health) quoted the Host whole, a password put in it too (ops:secret@db, a pasted URL's user part): masked as a
    /// proxy's address is, also when the password holds "://" (taken for the scheme's end, the text before it shown).
    /// </summary>
    [Fact]
    public async Task Start_PostgresHostHoldingAPassword_WhereItIsShownWithoutIt()
    {
        await using var dataSource = NpgsqlDataSource.Create("Host=ops:" + Secret + "://x@127.0.0.1;Username=u;Database=logs");
        await using var store = new PostgresEventStore(dataSource, TimeProvider.System, NullLogger<PostgresEventStore>.Instance);

        var error = await Assert.ThrowsAsync<CollectorUnavailableException>(() => store.InitializeAsync(CancellationToken.None));

        Assert.Equal("postgresql://u@***@127.0.0.1:5432/logs", store.Target);
        Assert.StartsWith("PostgreSQL (postgresql://u@***@127.0.0.1:5432/logs, ConnectionStrings:Events) cannot be reached now", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("file")]
    [InlineData("proc")]
    public async Task Start_DataDirectoryNotWritable_RefusedNamingIt(string kind)
    {
        // A file where the folder should be; a place no one may make a folder in (root too: the tests run as root).
        using var parent = new TempDirectory();
        var data = kind == "file" ? Path.Combine(parent.Path, "data") : "/proc/threadedlogging-collector-data";
        if (kind == "file")
        {
            await File.WriteAllTextAsync(data, "not a folder");
        }

        var error = await Assert.ThrowsAsync<CollectorConfigurationException>(() => CollectorFixture.StartInAsync(data));

        Assert.Contains($"Collector:DataDirectory (--data) '{data}' cannot be written", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Main_SettingsFromTheEnvironment_ExitCode2NamingEachNeverTheKey()
    {
        using var data = new TempDirectory();
        var environment = new Dictionary<string, string>
        {
            ["Collector__Retention__MaxAgee"] = "3650.00:00:00",
            ["Collector__ReadApiKey"] = Secret,
            ["Collector__AdminApiKey"] = Secret,
        };

        var (exitCode, stdout, stderr) = await ProgramExitTests.RunCollectorAsync(environment, "--urls", "http://127.0.0.1:0", "--data", data.Path);

        Assert.Equal(2, exitCode);
        Assert.Contains("Collector:Retention:MaxAgee is not a setting", stderr, StringComparison.Ordinal);
        Assert.Contains("Collector:ReadApiKey and Collector:AdminApiKey are the same key", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, stderr + stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening", stdout, StringComparison.Ordinal);
    }
}
