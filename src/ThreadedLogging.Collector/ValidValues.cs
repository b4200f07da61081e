namespace ThreadedLogging.Collector;

/// <summary>
/// How a setting's value is written, with an example, for the message that refuses one the binder cannot convert: the
/// binder's own ("Failed to convert configuration value '3 days' at '…' to type 'System.TimeSpan'") left the operator
/// to guess that 7 days is <c>7.00:00:00</c>.
/// </summary>
internal static class ValidValues
{
    /// <summary>"a duration d.hh:mm:ss (7.00:00:00 for 7 days, …)" and the like, for the type a value converts to.</summary>
    public static string Describe(Type type) => type switch
    {
        _ when type == typeof(TimeSpan) => "a duration written [d.]hh:mm:ss, e.g. 7.00:00:00 for 7 days, 02:00:00 for 2 hours, 00:00:30 for 30 seconds",
        _ when type == typeof(bool) => "true or false",
        _ when type == typeof(int) || type == typeof(long) => $"a whole number without separators or units, e.g. 1000 (at most {(type == typeof(int) ? int.MaxValue : long.MaxValue)})",
        _ when type == typeof(double) => "a number with a decimal point, e.g. 0.5",
        _ when type == typeof(Uri) => "an absolute URL, e.g. http://127.0.0.1:4318",
        _ when type.IsEnum => $"one of {string.Join(", ", Enum.GetNames(type))}",
        _ => $"a {type.Name}",
    };
}
