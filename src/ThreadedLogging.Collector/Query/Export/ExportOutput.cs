using System.IO.Compression;
using System.IO.Pipelines;
using Microsoft.Net.Http.Headers;

namespace ThreadedLogging.Collector.Query.Export;

/// <summary>
/// Where an export writes: the response body, gzip-compressed (fastest level, flushed with each page) when the client
/// accepts it (<c>Accept-Encoding</c>; browsers do, and save the file decompressed), else as it is.
/// </summary>
internal sealed class ExportOutput
{
    private ExportOutput(PipeWriter writer, bool gzip)
    {
        Writer = writer;
        Gzip = gzip;
    }

    public PipeWriter Writer { get; }

    /// <summary>Gets a value indicating whether the body is gzip-compressed (<c>Content-Encoding: gzip</c>).</summary>
    public bool Gzip { get; }

    public static ExportOutput For(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var gzip = StringWithQualityHeaderValue.TryParseList(context.Request.Headers.AcceptEncoding, out var codings)
            && codings.Any(c => c.Value.Equals("gzip", StringComparison.OrdinalIgnoreCase) && c.Quality is not 0);
        return gzip
            ? new ExportOutput(PipeWriter.Create(new GZipStream(context.Response.Body, CompressionLevel.Fastest, leaveOpen: true)), true)
            : new ExportOutput(context.Response.BodyWriter, false);
    }
}
