using System.Globalization;
using System.Text;

namespace ThreadedLogging;

/// <summary>
/// The SQS queue-name rules: 1 to 80 characters, ASCII letters, digits, <c>-</c> and <c>_</c>, and for a
/// FIFO queue the suffix <c>.fifo</c> (counted in the 80).
/// </summary>
internal static class SqsQueueName
{
    private const string FifoSuffix = ".fifo";

    /// <summary>Whether a queue URL or name is a FIFO queue's.</summary>
    public static bool IsFifo(string queueUrlOrName) => queueUrlOrName.EndsWith(FifoSuffix, StringComparison.Ordinal);

    /// <summary>Checks a queue name given by the user.</summary>
    /// <param name="name">The queue name.</param>
    /// <param name="paramName">The argument or option that holds it, named in the error.</param>
    /// <exception cref="ArgumentException">The name breaks an SQS rule; the message says which.</exception>
    public static void Validate(string? name, string paramName)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw new ArgumentException($"{paramName} must be a queue name (was empty).", paramName);
        }

        if (name.Length > SqsLimits.MaxQueueNameLength)
        {
            throw new ArgumentException(
                $"{paramName} must be at most {SqsLimits.MaxQueueNameLength} characters, the SQS limit (was {name.Length}: '{name}').", paramName);
        }

        var stem = IsFifo(name) ? name[..^FifoSuffix.Length] : name;
        if (stem.Length == 0)
        {
            throw new ArgumentException($"{paramName} must have a name before '{FifoSuffix}' (was '{name}').", paramName);
        }

        foreach (var c in stem)
        {
            if (!IsAllowed(c))
            {
                throw new ArgumentException(
                    $"{paramName} may contain only ASCII letters, digits, '-' and '_' (was '{name}', which contains '{c}').", paramName);
            }
        }
    }

    /// <summary>
    /// The CloudLaunch queue of an app: <c>cloudlaunch-{author}-{name}-logging</c>, spaces turned into
    /// underscores as in the seed, and any other character SQS does not allow turned into an underscore too.
    /// </summary>
    /// <param name="author">The record's author.</param>
    /// <param name="name">The record's app name.</param>
    /// <returns>A valid SQS queue name.</returns>
    /// <exception cref="ArgumentException">
    /// A field is empty or has no ASCII letter or digit, or the name would pass 80 characters (truncating it
    /// could make two apps share a queue); the message names the field.
    /// </exception>
    public static string ForCloudLaunch(string? author, string? name)
    {
        var a = Sanitize(author, "Author");
        var n = Sanitize(name, "Name");
        var queue = string.Create(CultureInfo.InvariantCulture, $"cloudlaunch-{a}-{n}-logging");
        if (queue.Length > SqsLimits.MaxQueueNameLength)
        {
            var field = n.Length >= a.Length ? "Name" : "Author";
            var room = SqsLimits.MaxQueueNameLength - "cloudlaunch---logging".Length;
            throw new ArgumentException(
                $"CloudRecord.{field} makes the queue name '{queue}' {queue.Length} characters long; SQS allows {SqsLimits.MaxQueueNameLength}, so Author and Name together may have at most {room} characters.",
                field);
        }

        return queue;
    }

    private static string Sanitize(string? value, string field)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ArgumentException($"CloudRecord.{field} must not be empty: it names the logging queue.", field);
        }

        var builder = new StringBuilder(value.Length);
        var meaningful = false;
        foreach (var c in value.Trim())
        {
            var allowed = IsAllowed(c);
            meaningful |= allowed && c is not ('-' or '_');
            builder.Append(allowed ? c : '_');
        }

        if (!meaningful)
        {
            throw new ArgumentException(
                $"CloudRecord.{field} ('{value}') has no ASCII letter or digit, so it cannot name an SQS queue.", field);
        }

        return builder.ToString();
    }

    private static bool IsAllowed(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_';
}
