namespace ThreadedLogging.Aws.Tests;

public sealed class ThreadedAwsHandlerOptionsTests
{
    [Fact]
    public void Constructor_Defaults_ExcludeOnlyOurOwnCategoriesAndUseJsonBatchUnderOneMiB()
    {
        var options = new ThreadedAwsHandlerOptions();

        Assert.Equal(["ThreadedLogging"], options.ExcludedCategories);
        Assert.Equal(SqsMessageFormat.JsonBatch, options.MessageFormat);
        Assert.Equal(1_048_576, options.MaxMessageBytes);
    }

    [Theory]
    [InlineData(null, "QueueName")]
    [InlineData("", "QueueName")]
    [InlineData("has space", "QueueName")]
    [InlineData("dots.are.not.allowed", "QueueName")]
    [InlineData(".fifo", "QueueName")]
    public void Validate_BadQueueName_ArgumentExceptionNamesIt(string? queue, string param)
    {
        var options = new ThreadedAwsHandlerOptions { QueueName = queue };

        var e = Assert.ThrowsAny<ArgumentException>(options.Validate);

        Assert.Equal(param, e.ParamName);
    }

    [Theory]
    [InlineData("logs")]
    [InlineData("Logs_2026-11")]
    [InlineData("orders.fifo")]
    public void Validate_GoodQueueName_Passes(string queue)
    {
        new ThreadedAwsHandlerOptions { QueueName = queue }.Validate();
    }

    [Fact]
    public void Validate_QueueName81Characters_Rejected()
    {
        var e = Assert.Throws<ArgumentException>(new ThreadedAwsHandlerOptions { QueueName = new string('q', 81) }.Validate);

        Assert.Contains("80", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_AccessKeyWithoutSecret_Rejected()
    {
        var e = Assert.Throws<ArgumentException>(new ThreadedAwsHandlerOptions { QueueName = "q", AccessKey = "k" }.Validate);

        Assert.Equal("SecretAccessKey", e.ParamName);
    }

    [Theory]
    [InlineData(1023)]
    [InlineData(1_048_577)]
    public void Validate_MaxMessageBytesOutOfRange_Rejected(int bytes)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(new ThreadedAwsHandlerOptions { QueueName = "q", MaxMessageBytes = bytes }.Validate);

        Assert.Equal("MaxMessageBytes", e.ParamName);
    }

    /// <summary>
    /// A user name and password in an address: refused, and never shown. Before, a valid URL with them was taken (the SDK
    /// sends nothing of them) and an invalid one was refused with the password in the message, which a crash log keeps.
    /// </summary>
    [Theory]
    [InlineData(null, "http://ann:s3cret@127.0.0.1:4566", "ServiceUrl")]
    [InlineData(null, "ftp://ann:s3cret@127.0.0.1:4566", "ServiceUrl")]
    [InlineData("https://ann:s3cret@sqs.eu-west-1.amazonaws.com/123456789012/logs", null, "QueueUrl")]
    [InlineData("https://ann:s3cret@sqs.eu-west-1.amazonaws.com/123456789012/bad%20name", null, "QueueUrl")]
    [InlineData("ftp://ann:s3cret@sqs.eu-west-1.amazonaws.com/123456789012/logs", null, "QueueUrl")]
    [InlineData("https://ann:s3c/ret@sqs.eu-west-1.amazonaws.com/123456789012/logs", null, "QueueUrl")] // a '/' or an '@' in the password: no URI's user part
    [InlineData("https://ann:p@s3cret@sqs.eu-west-1.amazonaws.com/123456789012/logs", null, "QueueUrl")]
    [InlineData(null, "ann:s3cret@127.0.0.1:4566", "ServiceUrl")]
    public void Validate_UrlWithUserNameOrPassword_RefusedWithoutShowingThem(string? queueUrl, string? serviceUrl, string param)
    {
        var options = new ThreadedAwsHandlerOptions { QueueName = queueUrl is null ? "logs" : null, QueueUrl = queueUrl, ServiceUrl = serviceUrl };

        var e = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Equal(param, e.ParamName);
        Assert.DoesNotContain("s3c", e.Message, StringComparison.Ordinal);
        Assert.Contains("***@", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_EveryRegionTheSdkKnowsAndNewerOnes_Passes()
    {
        string[] newer = ["us-gov-west-1", "cn-north-1", "eu-isoe-west-1", "ap-southeast-5", "EU-WEST-1"];
        foreach (var region in Amazon.RegionEndpoint.EnumerableAllRegions.Select(r => r.SystemName).Concat(newer))
        {
            new ThreadedAwsHandlerOptions { QueueName = "logs", Region = region }.Validate();
        }
    }

    [Fact]
    public void Validate_QueueUrlInsteadOfName_Passes()
    {
        new ThreadedAwsHandlerOptions { QueueUrl = "https://sqs.eu-west-1.amazonaws.com/123456789012/logs" }.Validate();
    }

    [Fact]
    public void Constructor_KeysAndQueueAsArguments_CallerOptionsUntouched()
    {
        var options = new ThreadedAwsHandlerOptions { ServiceUrl = "http://127.0.0.1:9", Region = "us-east-1" };

        using var handler = new ThreadedAwsHandler("key", "secret", "my-queue", 5, options);

        Assert.Null(options.QueueName);
        Assert.Null(options.AccessKey);
        Assert.Equal("5", handler.Identity.Version);
    }

    [Fact]
    public void Constructor_BadQueueNameArgument_ArgumentExceptionNamesTheArgument()
    {
        var e = Assert.Throws<ArgumentException>(() => new ThreadedAwsHandler("key", "secret", "bad name"));

        Assert.Equal("queueName", e.ParamName);
    }
}
