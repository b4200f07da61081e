using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Query.Export;

/// <summary>
/// RFC 4180: a header row, fixed columns, CRLF, a cell quoted when it holds a comma, quote, CR or LF (quotes
/// doubled). Safe to open in a spreadsheet (OWASP CSV injection): a cell starting with <c>=</c>, <c>+</c>,
/// <c>-</c>, <c>@</c>, tab or CR gets a leading <c>'</c>. The file starts with a UTF-8 byte order mark, which
/// Excel needs to read UTF-8. Exception, properties and context are their stored JSON.
/// </summary>
internal sealed class CsvExportWriter(PipeWriter output) : IExportWriter
{
    /// <summary>The columns, in order.</summary>
    public static readonly string[] Columns =
        ["id", "timestamp", "level", "app", "version", "user", "machine", "category", "message", "exception", "properties", "template", "context", "path", "instanceId", "sequence"];

    private readonly StringBuilder _row = new();
    private readonly Encoder _utf8 = new UTF8Encoding(false).GetEncoder();
    private bool _rowStarted;

    public void WriteStart()
    {
        output.Write(Encoding.UTF8.Preamble);
        foreach (var column in Columns)
        {
            Cell(column);
        }

        EndRow();
    }

    public void Write(StoredEvent storedEvent)
    {
        ArgumentNullException.ThrowIfNull(storedEvent);
        Cell(storedEvent.Id.ToString(CultureInfo.InvariantCulture));
        Cell(storedEvent.Timestamp.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        Cell(LevelNames.ToName(storedEvent.Level));
        Cell(storedEvent.App);
        Cell(storedEvent.Version);
        Cell(storedEvent.User);
        Cell(storedEvent.Machine);
        Cell(storedEvent.Category);
        Cell(storedEvent.Message);
        Cell(storedEvent.ExceptionJson);
        Cell(storedEvent.PropertiesJson);
        Cell(storedEvent.Template);
        Cell(storedEvent.ContextJson);
        Cell(storedEvent.Path);
        Cell(storedEvent.InstanceId);
        Cell(storedEvent.Sequence?.ToString(CultureInfo.InvariantCulture));
        EndRow();
    }

    /// <summary>A last row that is not an event: every cell empty (no id) but <c>message</c>, which says why and how to get the rest.</summary>
    public void WriteTruncated(ExportTruncation truncation)
    {
        ArgumentNullException.ThrowIfNull(truncation);
        for (var i = 0; i < Columns.Length; i++)
        {
            Cell(Columns[i] == "message" ? truncation.Reason : null);
        }

        EndRow();
    }

    /// <summary>Appends one cell (null: empty) and its separator.</summary>
    private void Cell(string? value)
    {
        if (_rowStarted)
        {
            _row.Append(',');
        }

        _rowStarted = true;

        if (value is null)
        {
            return;
        }

        var prefix = value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r';
        var quote = value.Length == 0 || value.AsSpan().IndexOfAny(",\"\r\n") >= 0;
        if (!quote)
        {
            _row.Append(prefix ? "'" : string.Empty).Append(value);
            return;
        }

        _row.Append('"').Append(prefix ? "'" : string.Empty);
        foreach (var c in value)
        {
            _row.Append(c == '"' ? "\"\"" : c);
        }

        _row.Append('"');
    }

    private void EndRow()
    {
        _row.Append("\r\n");
        foreach (var chunk in _row.GetChunks())
        {
            _utf8.Convert(chunk.Span, output, flush: false, out _, out _);
        }

        _row.Clear();
        _rowStarted = false;
    }
}
