using System.Net;
using System.Text;
using System.Text.Json;
using Sylvan.Data.Csv;

namespace ThreadedLogging.Collector.Tests.Query;

/// <summary>Reads an export's answer: NDJSON lines as JSON, CSV with Sylvan.Data.Csv (an RFC 4180 reader of its own).</summary>
internal static class ExportFiles
{
    /// <summary>The status, body, media type and <c>X-Export-Limit</c> of an export.</summary>
    public static async Task<(HttpStatusCode Status, string Body, string? MediaType, string? Limit)> GetAsync(HttpClient client, string query)
    {
        using var response = await client.GetAsync(new Uri("api/events/export" + (query.Length == 0 ? string.Empty : "?" + query), UriKind.Relative));
        var limit = response.Headers.TryGetValues("X-Export-Limit", out var values) ? values.Single() : null;
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response.Content.Headers.ContentType?.MediaType, limit);
    }

    public static List<JsonElement> Lines(string body)
    {
        Assert.True(body.Length == 0 || body.EndsWith('\n'), "every NDJSON line ends with LF");
        return [.. body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement.Clone())];
    }

    /// <summary>The rows after the header, each a list of cells; <paramref name="header"/> gets the header row.</summary>
    public static List<string[]> Rows(string body, out string[] header)
    {
        // The body was decoded by HttpClient (the BOM is gone); a raw check of it is in the CSV test.
        using var reader = CsvDataReader.Create(new StringReader(body), new CsvDataReaderOptions { HasHeaders = true, Delimiter = ',', CsvStyle = CsvStyle.Standard });
        header = [.. Enumerable.Range(0, reader.FieldCount).Select(reader.GetName)];
        var rows = new List<string[]>();
        while (reader.Read())
        {
            Assert.Equal(header.Length, reader.RowFieldCount);
            rows.Add([.. Enumerable.Range(0, reader.RowFieldCount).Select(reader.GetString)]);
        }

        return rows;
    }

    public static string Utf8(byte[] bytes) => Encoding.UTF8.GetString(bytes);
}
