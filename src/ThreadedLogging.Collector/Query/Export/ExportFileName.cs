using System.Globalization;
using System.Text;

namespace ThreadedLogging.Collector.Query.Export;

/// <summary>The download's name, <c>events-&lt;user, no-user, trace-&lt;id&gt; or all&gt;-&lt;UTC time&gt;.&lt;format&gt;</c>, safe in a header and on any file system.</summary>
internal static class ExportFileName
{
    private const int MaxUserLength = 64;

    public static string For(string? user, DateTimeOffset now, ExportFormat format)
    {
        ArgumentNullException.ThrowIfNull(format);
        var name = new StringBuilder();
        foreach (var c in user ?? "all")
        {
            if (name.Length == MaxUserLength)
            {
                break;
            }

            // ASCII letters, digits, '-' and '_' only: no quote, slash, dot, control or non-ASCII character reaches the header.
            name.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_');
        }

        return string.Create(CultureInfo.InvariantCulture, $"events-{name}-{now.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}.{format.Name}");
    }
}
