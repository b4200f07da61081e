using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;

namespace ThreadedLogging.Collector.Tests.Support;

/// <summary>Small helpers to build raw ingest requests.</summary>
internal static class Http
{
    public static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    public static async Task<(HttpStatusCode Status, string Body)> SendAsync(
        HttpClient client, HttpMethod method, string url, byte[]? body = null, string? contentType = null, string? contentEncoding = null, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(url, UriKind.Relative));
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            if (contentType is not null)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }

            if (contentEncoding is not null)
            {
                request.Content.Headers.ContentEncoding.Add(contentEncoding);
            }
        }

        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        using var response = await client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Posts a JsonBatch body (<see cref="Envelope"/>) and asserts that it was stored (200).</summary>
    public static async Task PostStoredAsync(HttpClient client, string path, string body)
    {
        var (status, text) = await SendAsync(client, HttpMethod.Post, path, Utf8(body), "application/json");
        Assert.True(status == HttpStatusCode.OK, text);
    }

    public static string Error(string body) => JsonDocument.Parse(body).RootElement.GetProperty("error").GetString()!;

    /// <summary>A JsonBatch envelope as JSON text.</summary>
    public static string Envelope(string? batchId, params object[] events) =>
        JsonSerializer.Serialize(new { batchId, app = "Payroll", version = "2.3.1", machine = "PC-042", instanceId = "inst-1", events });
}
