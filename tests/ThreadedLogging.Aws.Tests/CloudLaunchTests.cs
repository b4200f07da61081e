using Microsoft.Extensions.Logging;
using ThreadedLogging.Aws.Tests.Support;
using ThreadedLogging.Testing;

namespace ThreadedLogging.Aws.Tests;

public sealed class CloudLaunchTests(SqsEmulatorFixture sqs) : IClassFixture<SqsEmulatorFixture>
{
    [Theory]
    [InlineData("Jane Doe", "My App", "cloudlaunch-Jane_Doe-My_App-logging")]
    [InlineData("acme", "payroll", "cloudlaunch-acme-payroll-logging")]
    [InlineData("  Vortex  ", "Café Ordering v2.1", "cloudlaunch-Vortex-Caf__Ordering_v2_1-logging")]
    [InlineData("a-b_c", "x", "cloudlaunch-a-b_c-x-logging")]
    public void QueueName_AuthorAndName_SpacesBecomeUnderscoresAndResultIsValid(string author, string name, string expected)
    {
        var record = Record(author, name);

        Assert.Equal(expected, record.QueueName);
        SqsQueueName.Validate(record.QueueName, "queue"); // does not throw
    }

    [Theory]
    [InlineData("", "app", "Author")]
    [InlineData("   ", "app", "Author")]
    [InlineData("jane", "", "Name")]
    [InlineData("jane", "日本語", "Name")]
    [InlineData("---", "app", "Author")]
    public void QueueName_FieldCannotNameAQueue_ArgumentExceptionNamesTheField(string author, string name, string field)
    {
        var e = Assert.Throws<ArgumentException>(() => Record(author, name).QueueName);

        Assert.Equal(field, e.ParamName);
        Assert.Contains($"CloudRecord.{field}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void QueueName_LongerThan80_RejectedNamingTheLongerField()
    {
        var e = Assert.Throws<ArgumentException>(() => Record("jane", new string('n', 60)).QueueName);

        Assert.Equal("Name", e.ParamName);
        Assert.Contains("80", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void QueueName_Exactly80_Accepted()
    {
        var room = 80 - "cloudlaunch---logging".Length;
        Assert.Equal(80, Record("a", new string('n', room - 1)).QueueName.Length);
    }

    [Fact]
    public void Load_SnakeCaseFile_ReadsEveryField()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, """
                { "author": "Jane Doe", "name": "My App", "revision": 12,
                  "public_access_key": "AKIAEXAMPLE", "secret_key": "s3cr3t", "region": "eu-west-1" }
                """);

            var record = CloudRecord.Load(path);

            Assert.Equal("Jane Doe", record.Author);
            Assert.Equal("My App", record.Name);
            Assert.Equal(12, record.Revision);
            Assert.Equal("AKIAEXAMPLE", record.PublicAccessKey);
            Assert.Equal("s3cr3t", record.SecretKey);
            Assert.Equal("eu-west-1", record.Region);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Parse_CamelCaseAndStringRevision_Accepted()
    {
        var record = CloudRecord.Parse("""{"Author":"a","Name":"b","Revision":"3","publicAccessKey":"k","secretAccessKey":"s"}""");

        Assert.Equal(3, record.Revision);
        Assert.Equal("k", record.PublicAccessKey);
        Assert.Equal("s", record.SecretKey);
        Assert.Null(record.Region);
    }

    [Theory]
    [InlineData("""{"name":"b","public_access_key":"k","secret_key":"s"}""", "author")]
    [InlineData("""{"author":"a","name":"b","secret_key":"s"}""", "public_access_key")]
    [InlineData("""{"author":"a","name":"b","public_access_key":"k"}""", "secret_key")]
    [InlineData("""{"author":"a","name":"b","public_access_key":"k","secret_key":"s","revision":"x"}""", "revision")]
    [InlineData("""[1,2]""", "object")]
    [InlineData("""{"author":""", "JSON")]
    public void Parse_BadRecord_InvalidDataExceptionNamesTheProblem(string json, string words)
    {
        var e = Assert.Throws<InvalidDataException>(() => CloudRecord.Parse(json));

        Assert.Contains(words, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingFile_FileNotFound()
    {
        Assert.Throws<FileNotFoundException>(() => CloudRecord.Load(Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"))));
    }

    [Fact]
    public void Constructor_RecordCannotNameAQueue_ArgumentException()
    {
        var e = Assert.Throws<ArgumentException>(() => new CloudLaunchHandler(Record("", "app")));

        Assert.Equal("Author", e.ParamName);
    }

    [Fact]
    public async Task Log_CloudLaunchHandler_SendsToTheAppsQueueWithItsRevision()
    {
        using var client = sqs.CreateClient();
        var author = $"Jane {Guid.NewGuid():N}"[..20];
        var record = new CloudRecord { Author = author, Name = "My App", Revision = 12, PublicAccessKey = "k", SecretKey = "s", Region = "us-east-1" };
        var url = (await client.CreateQueueAsync(record.QueueName)).QueueUrl;
        var options = sqs.Options("ignored");
        options.MessageFormat = SqsMessageFormat.SeedRecord;
        options.App = null;

        await using (var handler = new CloudLaunchHandler(record, options))
        {
            handler.CreateLogger("camelot").LogError("boom");
            Assert.True(await handler.FlushAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token));
            Assert.Equal("My App", handler.Identity.App);
            Assert.Equal("12", handler.Identity.Version);
        }

        var message = Assert.Single(await QueueReader.DrainAsync(client, url));
        using var json = System.Text.Json.JsonDocument.Parse(message.Json);
        Assert.Equal(12, json.RootElement.GetProperty("revision").GetInt32());
        Assert.Equal("boom", json.RootElement.GetProperty("msg").GetString());
    }

    private static CloudRecord Record(string author, string name) =>
        new() { Author = author, Name = name, Revision = 1, PublicAccessKey = "k", SecretKey = "s" };
}
