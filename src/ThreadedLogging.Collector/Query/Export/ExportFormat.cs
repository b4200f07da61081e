namespace ThreadedLogging.Collector.Query.Export;

/// <summary>A file format of <c>GET /api/events/export</c> (<c>format=ndjson|csv</c>).</summary>
internal sealed class ExportFormat
{
    public static readonly ExportFormat Ndjson = new("ndjson", "application/x-ndjson; charset=utf-8");

    /// <summary>RFC 4180 with a header row (RFC 4180's <c>header=present</c>).</summary>
    public static readonly ExportFormat Csv = new("csv", "text/csv; charset=utf-8; header=present");

    private ExportFormat(string name, string contentType)
    {
        Name = name;
        ContentType = contentType;
    }

    /// <summary>Gets the parameter value, also the file name's extension.</summary>
    public string Name { get; }

    public string ContentType { get; }

    /// <summary>Reads <c>format</c>: <c>ndjson</c> (also when absent) or <c>csv</c>, any case.</summary>
    public static bool TryParse(string? text, out ExportFormat format, out string error)
    {
        error = string.Empty;
        format = Ndjson;
        if (text is null || string.Equals(text, Ndjson.Name, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (string.Equals(text, Csv.Name, StringComparison.OrdinalIgnoreCase))
        {
            format = Csv;
            return true;
        }

        error = $"parameter 'format' must be ndjson or csv (was '{text}')";
        return false;
    }

    public override string ToString() => Name;
}
