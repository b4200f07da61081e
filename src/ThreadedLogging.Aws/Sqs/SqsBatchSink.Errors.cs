using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Amazon.Runtime;
using Amazon.SQS.Model;

namespace ThreadedLogging;

internal sealed partial class SqsBatchSink
{
    private const string QueryCodePrefix = "AWS.SimpleQueueService.";

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
    /// What the queue's KMS key answers while it cannot be used (disabled, pending, not found, not allowed): every message
    /// fails alike until someone fixes the key, as with refused credentials, so the events are kept and retried.
    /// </summary>
    private static readonly HashSet<string> KmsCodes = new(StringComparer.OrdinalIgnoreCase)
    {
        "KmsAccessDenied", "KmsDisabled", "KmsInvalidKeyUsage", "KmsInvalidState", "KmsNotFound", "KmsOptInRequired",
        "KMS.AccessDeniedException", "KMS.DisabledException", "KMS.InvalidKeyUsageException", "KMS.KMSInvalidStateException",
        "KMS.NotFoundException", "KMS.OptInRequired",
    };

    /// <summary>
    /// Maps a failed SQS call (the whole call, or an entry sent again alone after it failed in a call: <paramref name="alone"/>)
    /// to a pipeline outcome. A sender fault (HTTP 400) of an entry sent alone is about that message, so it is
    /// <see cref="SendOutcome.Rejected"/> (the pipeline drops that event alone, counted and said, and delivers the rest);
    /// of a whole call only <see cref="InvalidMessageContentsException"/> is (the pipeline splits to find the event), since
    /// another 400 of the call (an operation the endpoint does not support, a proxy's refusal) would be every event's, and
    /// splitting would drop them all, one call each; a message too large is <see cref="SendOutcome.TooLarge"/> (split, then
    /// cut). Throttling, refused credentials, the queue's KMS key, a missing queue and a whole call's other 400s are
    /// <see cref="SendOutcome.Transient"/> like server and network errors: the pipeline
    /// keeps the events, backs off and retries until SQS takes them, and counts each attempt. A 500 (SQS failed on the
    /// request) is also a <see cref="SendResult.ServerFault"/>, which the pipeline isolates after a few in a row. Returns
    /// <see langword="null"/> for what is not an SQS failure (cancellation by the shutdown deadline).
    /// </summary>
    /// <remarks>
    /// Every error text it returns has the user part of any URI in it (user name and password) hidden: HttpClient names a proxy's URI, with the
    /// credentials of <c>HTTPS_PROXY</c> when it holds them, in its messages, which the SDK passes on.
    /// </remarks>
    private SendResult? Classify(Exception exception, bool alone, CancellationToken cancellationToken)
    {
        if (ClassifyFailure(exception, alone, cancellationToken) is not { } result)
        {
            return null;
        }

        return result.Error is { } error ? result with { Error = HttpProxySetting.WithoutCredentials(error) } : result;
    }

    private SendResult? ClassifyFailure(Exception exception, bool alone, CancellationToken cancellationToken)
    {
        switch (exception)
        {
            case OperationCanceledException when cancellationToken.IsCancellationRequested:
                return null;
            case QueueDoesNotExistException:
            case AmazonServiceException { ErrorCode: "QueueDoesNotExist" or "AWS.SimpleQueueService.NonExistentQueue" }:
                // Look the queue up again next time: it may be created (or re-created with a new URL) meanwhile.
                _target = null;
                return Transient($"SQS queue '{QueueLabel}' does not exist");
            case BatchRequestTooLongException e:
                return new SendResult(SendOutcome.TooLarge, Error: $"SQS: {e.Message}");
            case AmazonServiceException e:
                // The code and status are what failed; the message is AWS's words, which may differ from one refusal of the
                // same cause to the next (a signature expired says its times): compared, they made each try of an outage a new
                // reason, a self-log line each (as the HTTP sink's status, 1d2ff00).
                return ClassifyService(e, alone) with { Cause = string.Create(CultureInfo.InvariantCulture, $"SQS {e.ErrorCode} ({(int)e.StatusCode})") };
            case AmazonClientException e:
                // The first line says it (e.g. "Failed to resolve AWS credentials."); the rest lists every provider tried.
                return Transient($"SQS client error: {e.Message.Split('\n', 2)[0].Trim()}");
            case HttpRequestException or IOException or TimeoutException or OperationCanceledException:
                return Transient($"SQS unreachable: {exception.GetType().Name}: {exception.Message}");
            default:
                return null;
        }
    }

    private SendResult ClassifyService(AmazonServiceException e, bool alone)
    {
        var status = (int)e.StatusCode;
        var what = string.Create(CultureInfo.InvariantCulture, $"{e.ErrorCode} ({status}): {e.Message}");

        // The SDK reports the query protocol's code when SQS sends it (x-amzn-query-error): AWS.SimpleQueueService.RequestThrottled.
        var code = e.ErrorCode is { } full && full.StartsWith(QueryCodePrefix, StringComparison.Ordinal) ? full[QueryCodePrefix.Length..] : e.ErrorCode ?? string.Empty;
        if (ThrottlingCodes.Contains(code) || e.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable)
        {
            return Transient($"SQS throttled the handler: {what}");
        }

        if (CredentialCodes.Contains(code) || e.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            // Keys can be fixed or rotated while the app runs: keep the events (the queue is bounded) and retry.
            return Transient($"SQS (or a proxy on the way) refused the credentials: {what}");
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

        if (KmsCodes.Contains(code))
        {
            return Transient($"SQS could not use the queue's KMS key: {what}");
        }

        if (e is InvalidMessageContentsException || (alone && e.StatusCode == HttpStatusCode.BadRequest))
        {
            // The message's content, as SQS sees it (a character it refuses, a parameter it refuses or misses): sent again,
            // it fails again, and retried as transient it held back every event after it.
            return new SendResult(SendOutcome.Rejected, Error: $"SQS refused the message: {what}");
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
