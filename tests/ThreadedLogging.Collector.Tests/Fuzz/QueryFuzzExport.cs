using System.Text.Json;
using Sylvan.Data.Csv;

namespace ThreadedLogging.Collector.Tests.Fuzz;

/// <summary>
/// What an answered export must be: NDJSON lines that are each a JSON object without a raw <c>&lt;</c>, or CSV whose
/// every row has the header's cells and no cell a spreadsheet would run as a formula.
/// </summary>
internal static class QueryFuzzExport
{
    private const string CsvHeader = "id,timestamp,";

    /// <summary>Null when the body is a well-formed export, else what is wrong.</summary>
    public static string? Check(string body)
    {
        body = body.TrimStart('\uFEFF');
        return body.StartsWith(CsvHeader, StringComparison.Ordinal) ? CheckCsv(body) : CheckNdjson(body);
    }

    private static string? CheckNdjson(string body)
    {
        if (body.Length > 0 && !body.EndsWith('\n'))
        {
            return "an NDJSON export not ending in a line feed";
        }

        foreach (var line in body.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            try
            {
                using var json = JsonDocument.Parse(line);
                if (json.RootElement.ValueKind != JsonValueKind.Object)
                {
                    return "an NDJSON line that is not an object";
                }
            }
            catch (JsonException e)
            {
                return "an NDJSON line that is not JSON (" + e.Message + ")";
            }
        }

        return body.Contains('<', StringComparison.Ordinal) || body.Contains('>', StringComparison.Ordinal) ? "unescaped HTML" : null;
    }

    private static string? CheckCsv(string body)
    {
        using var reader = CsvDataReader.Create(new StringReader(body), new CsvDataReaderOptions { HasHeaders = true, Delimiter = ',' });
        while (reader.Read())
        {
            if (reader.RowFieldCount != reader.FieldCount)
            {
                return $"a CSV row of {reader.RowFieldCount} cells under a header of {reader.FieldCount}";
            }

            for (var i = 0; i < reader.RowFieldCount; i++)
            {
                if (reader.GetString(i) is [('=' or '+' or '-' or '@' or '\t' or '\r'), ..] cell)
                {
                    return $"a CSV cell a spreadsheet runs: '{cell}'";
                }
            }
        }

        return null;
    }
}
