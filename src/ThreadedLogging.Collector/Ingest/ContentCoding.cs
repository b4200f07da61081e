namespace ThreadedLogging.Collector.Ingest;

/// <summary>
/// How an ingest body's bytes are compressed (HTTP's <c>Content-Encoding</c>, an SQS message's <c>+gzip</c>): each is undone
/// in one place, <see cref="RequestBodyReader.Decode"/>, within <see cref="CollectorOptions.MaxRequestBodyBytes"/>.
/// </summary>
internal enum ContentCoding
{
    /// <summary>Not compressed (no Content-Encoding, or <c>identity</c>).</summary>
    Identity,

    /// <summary><c>gzip</c> (RFC 1952; <c>x-gzip</c> is the same, RFC 9110 §8.4.1.3).</summary>
    Gzip,

    /// <summary><c>br</c>, Brotli (RFC 7932).</summary>
    Brotli,

    /// <summary><c>deflate</c>: the zlib format (RFC 1950) around a deflate stream, as RFC 9110 §8.4.1.2 defines it.</summary>
    Deflate,
}
