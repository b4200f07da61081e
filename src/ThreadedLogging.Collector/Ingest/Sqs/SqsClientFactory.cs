using Amazon;
using Amazon.Runtime;
using Amazon.SQS;

namespace ThreadedLogging.Collector.Ingest.Sqs;

/// <summary>Builds the SQS client of one configured queue.</summary>
internal static class SqsClientFactory
{
    public static IAmazonSQS Create(SqsQueueOptions queue)
    {
        var config = new AmazonSQSConfig();
        if (queue.ServiceUrl is not null)
        {
            config.ServiceURL = queue.ServiceUrl;
            config.AuthenticationRegion = queue.Region ?? "us-east-1";
        }
        else if (queue.Region is not null)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(queue.Region);
        }

        if (string.IsNullOrEmpty(queue.AccessKey))
        {
            return new AmazonSQSClient(config);
        }

        AWSCredentials credentials = string.IsNullOrEmpty(queue.SessionToken)
            ? new BasicAWSCredentials(queue.AccessKey, queue.SecretAccessKey)
            : new SessionAWSCredentials(queue.AccessKey, queue.SecretAccessKey, queue.SessionToken);
        return new AmazonSQSClient(credentials, config);
    }
}
