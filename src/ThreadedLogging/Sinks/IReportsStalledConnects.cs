namespace ThreadedLogging;

/// <summary>
/// A sink that connects to its receiver and can say when a connection attempt stalls: a DNS lookup or a TCP connect
/// (to the receiver, or to its proxy) still under way after <see cref="HttpBatchSink.StalledAfter"/>, the time after which
/// a SYN nobody answered is sent again; or a handshake before the request, a proxy's CONNECT or the TLS handshake, whose
/// answer is that late (<see cref="HandshakeWatch"/>). No byte of a request has gone out on such a connection, so no answer to it can
/// come in time to matter: with a spool, and everything logged on disk, the shutdown ends there (<see cref="SpoolStage"/>)
/// rather than waiting for the connect's timeout or the whole budget (a laptop on a network without internet, a
/// firewall that drops SYNs). Internal: the worker asks the HTTP sink only.
/// </summary>
internal interface IReportsStalledConnects
{
    /// <summary>
    /// Gets what of a stalled connection attempt under way has not completed, the subject of "… has not completed within
    /// 1 s" ("connecting to collector.corp:443", "the TLS handshake with collector.corp:443", "the CONNECT to … through the
    /// proxy …"), or null when none is.
    /// </summary>
    string? StalledConnect { get; }

    /// <summary>Gets or sets what is called, on the attempt's thread, when a connection attempt becomes stalled.</summary>
    Action? ConnectStalled { get; set; }
}
