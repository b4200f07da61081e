namespace ThreadedLogging;

/// <summary>
/// A batch request as its connection's stream (<see cref="EarlyAnswerStream"/>) sees it being written: SocketsHttpHandler
/// writes a request, headers and body, in one flow once the request got its connection, where <see cref="Current"/> names
/// it from its headers on.
/// </summary>
internal sealed class BodyWrite
{
    /// <summary>
    /// The batch request written on this flow, set as its headers are written on the connection it got (the sink's
    /// <c>HeaderWritten</c>), or null: the level poll's, a connection's handshake (even one .NET opened for the request,
    /// which runs in the request's flow but may not carry it), or none.
    /// </summary>
    public static readonly AsyncLocal<BodyWrite?> Current = new();

    private volatile bool _headersOut;
    private IOException? _cutBy;

    /// <summary>
    /// Gets or sets whether the request's headers began to be written on a connection: a write of its flow before them is
    /// a connection's handshake (TLS, a proxy's CONNECT), whose failure is never taken for an answer.
    /// </summary>
    public bool HeadersOut
    {
        get => _headersOut;
        set => _headersOut = value;
    }

    /// <summary>
    /// Gets or sets the write failure the request met while the receiver's answer waited to be read: the rest of the
    /// request went unwritten and the answer was read in its place (<see cref="EarlyAnswerStream"/>).
    /// </summary>
    public IOException? CutBy
    {
        get => Volatile.Read(ref _cutBy);
        set => Volatile.Write(ref _cutBy, value);
    }
}
