using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Amazon.Runtime;
using Amazon.SQS.Model;

namespace ThreadedLogging;

internal sealed partial class SqsBatchSink
{
    private static readonly HashSet<string> ThrottlingCodes = new(StringComparer.OrdinalIgnoreCase)
    {
        "Throttling", "ThrottlingException", "RequestThrottled", "RequestThrottledException", "KmsThrottled", "KmsThrottledException",
        "TooManyRequestsException", "OverLimit", "ServiceUnavailable", "SlowDown",
    };

    private static readonly HashSet<string> CredentialCodes = new(StringComparer.OrdinalIgnoreCase)
    {
        "InvalidClientTokenId", "UnrecognizedClientException", "SignatureDoesNotMatch", "IncompleteSignature", "MissingAuthenticationToken",
        "ExpiredToken", "ExpiredTokenException", "AccessDenied", "AccessDeniedException", "InvalidSecurity", "AuthFailure", "RequestExpired",
    };

    /// <summary>
    /// Maps a failed SQS call to a pipeline outcome. Only content errors are <see cref="SendOutcome.Rejected"/>
    /// or <see cref="SendOutcome.TooLarge"/> (splitting isolates the culprit); a missing queue, refused
    /// credentials, throttling, server and network errors are <see cref="SendOutcome.Transient"/>: the
    /// pipeline keeps the events, backs off and retries, and counts each attempt; a 500 (SQS failed on the request) is
    /// also a <see cref="SendResult.ServerFault"/>, which the pipeline isolates after a few in a row. Returns
    /// <see langword="null"/> for what is not an SQS failure (cancellation by the shutdown deadline).
    /// </summary>
    private SendResult? Classify(Exception exception, CancellationToken cancellationToken)
    {
        switch (exception)
        {
            case OperationCanceledException when cancellationToken.IsCancellationRequested:
                return null;
            case QueueDoesNotExistException:
                // Look the queue up again next time: it may be created (or re-created with a new URL) meanwhile.
                _target = null;
                return Transient($"SQS queue '{QueueLabel}' does not exist");
            case BatchRequestTooLongException e:
                return new SendResult(SendOutcome.TooLarge, Error: $"SQS: {e.Message}");
            case InvalidMessageContentsException e:
                return new SendResult(SendOutcome.Rejected, Error: $"SQS refused the message contents: {e.Message}");
            case AmazonServiceException e:
                return ClassifyService(e);
            case AmazonClientException e:
                // The first line says it (e.g. "Failed to resolve AWS credentials."); the rest lists every provider tried.
                return Transient($"SQS client error: {e.Message.Split('\n', 2)[0].Trim()}");
            case HttpRequestException or IOException or TimeoutException or OperationCanceledException:
                return Transient($"SQS unreachable: {exception.GetType().Name}: {exception.Message}");
            default:
                return null;
        }
    }

    private SendResult ClassifyService(AmazonServiceException e)
    {
        var code = e.ErrorCode ?? string.Empty;
        var status = (int)e.StatusCode;
        var what = string.Create(CultureInfo.InvariantCulture, $"{code} ({status}): {e.Message}");
        if (ThrottlingCodes.Contains(code) || e.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable)
        {
            return Transient($"SQS throttled the handler: {what}");
        }

        if (CredentialCodes.Contains(code) || e.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            // Keys can be fixed or rotated while the app runs: keep the events (the queue is bounded) and retry.
            return Transient($"SQS refused the credentials: {what}");
        }

        if (e.Message.Contains("shorter than", StringComparison.OrdinalIgnoreCase) || code.Contains("TooLong", StringComparison.OrdinalIgnoreCase))
        {
            // The queue's MaximumMessageSize went down since it was read, or could not be read (a send-only key): read it
            // again, keep the limit the refusal states ("Message must be shorter than 262144 bytes."), and split.
            _target = null;
            if (ShorterThan().Match(e.Message) is { Success: true } match
                && int.TryParse(match.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var limit)
                && limit >= SqsLimits.MinMessageBytes)
            {
                _statedMaxMessageBytes = Math.Min(_statedMaxMessageBytes, limit);
            }

            return new SendResult(SendOutcome.TooLarge, Error: $"SQS: {what}");
        }

        if (e.StatusCode == HttpStatusCode.InternalServerError)
        {
            // SQS failed on this request (InternalError, InternalFailure): retried, and after
            // BatchDelivery.ServerFaultsBeforeIsolating such answers in a row to the same events split to find the one it
            // fails on, as the HTTP sink does with a 500. Retried as they are, one such event held back every event after it.
            return new SendResult(SendOutcome.Transient, Error: $"SQS call failed: {what}") { ServerFault = true };
        }

        return Transient($"SQS call failed: {what}");
    }

    private static SendResult Transient(string error) => new(SendOutcome.Transient, Error: error);

    /// <summary>The limit in SQS's refusal of a message too large: "Message must be shorter than 262144 bytes."</summary>
    [GeneratedRegex(@"shorter than (\d{1,9}) bytes", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ShorterThan();
}
