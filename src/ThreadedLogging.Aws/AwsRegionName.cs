namespace ThreadedLogging;

/// <summary>
/// The form of an AWS region's name, one rule for the client's <c>Region</c> and the collector's
/// <c>Collector:Sqs:Queues:N:Region</c> (this file is linked into the collector, as <c>TransportError.cs</c> is).
/// </summary>
internal static class AwsRegionName
{
    /// <summary>What a refusal says a region name is, after "Region must be ".</summary>
    public const string Form = "an AWS region name such as eu-west-1: letters and digits between single '-', with the region's number (eu-west-1, not eu-west)";

    /// <summary>
    /// Whether <paramref name="region"/> has a region's form: parts of letters and digits between single hyphens, one after
    /// the first its number (<c>eu-west-1</c>, <c>us-gov-west-1</c>, <c>cn-north-1</c>, <c>eu-isoe-west-1</c>, and
    /// <c>us-east-1-regional</c>: every name of the SDK's <c>RegionEndpoint</c> list). <c>eu-west</c> (no number: a region
    /// that is none) had passed both checks. Upper case is let through: the SDK looks <c>EU-WEST-1</c> up as <c>eu-west-1</c>.
    /// </summary>
    public static bool IsValid(string region)
    {
        var parts = region.Split('-');
        return region.Length <= 64 && parts.Length >= 2
            && parts.All(p => p.Length > 0 && p.All(char.IsAsciiLetterOrDigit))
            && parts.Skip(1).Any(p => p.All(char.IsAsciiDigit));
    }
}
