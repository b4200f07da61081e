using Amazon;
using Amazon.Runtime;
using Amazon.SQS;

namespace ThreadedLogging;

/// <summary>Builds the SQS client from the options (what the seed handed boto as <c>connection_kwargs</c>).</summary>
internal static class SqsClientFactory
{
    /// <summary>The region used to sign requests to an SQS-compatible server when none is given.</summary>
    private const string DefaultSigningRegion = "us-east-1";

    public static IAmazonSQS Create(ThreadedAwsHandlerOptions options)
    {
        var config = new AmazonSQSConfig
        {
            Timeout = options.RequestTimeout,
            // The pipeline retries with backoff and counts each attempt; SDK retries inside a send would
            // hide failures from the statistics and hold the worker past its budget.
            MaxErrorRetry = 0,
        };
        if (HttpProxySetting.WebProxyOf(options.Proxy) is { } proxy)
        {
            config.SetWebProxy(proxy);
        }

        if (options.ServiceUrl is not null)
        {
            config.ServiceURL = options.ServiceUrl;
            config.AuthenticationRegion = options.Region ?? DefaultSigningRegion;
        }
        else if (options.Region is not null)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
        }

        try
        {
            if (string.IsNullOrEmpty(options.AccessKey))
            {
                // The standard chain (environment, profile, container or instance role), resolved at the first send:
                // missing credentials are then a transient failure, counted and retried, not an exception here.
                return new AmazonSQSClient(config);
            }

            AWSCredentials credentials = string.IsNullOrEmpty(options.SessionToken)
                ? new BasicAWSCredentials(options.AccessKey, options.SecretAccessKey)
                : new SessionAWSCredentials(options.AccessKey, options.SecretAccessKey, options.SessionToken);
            return new AmazonSQSClient(credentials, config);
        }
        catch (AmazonClientException e)
        {
            // Without Region or ServiceUrl the SDK looks for a region (AWS_REGION, profile) and throws when none is found.
            throw new ArgumentException(
                $"Region must be set when ServiceUrl is not, unless AWS_REGION or the AWS profile names one ({e.Message}).", nameof(options.Region), e);
        }
    }
}
