using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace ThreadedLogging;

/// <summary>
/// Sends batches over HTTP in one of the <see cref="HttpLogFormat"/>s and classifies the answer for
/// the pipeline's retry policy. Called by the worker, with at most two JsonBatch sends in flight at once.
/// </summary>
internal sealed class HttpBatchSink : ILogBatchSink, ICopiesEvents, ISendsEnvelopes, ISendsConcurrently, IReportsStalledConnects, IDisposable
{
    /// <summary>
    /// How long a connection attempt (DNS lookup and TCP connect) runs before it counts as stalled
    /// (<see cref="IReportsStalledConnects"/>): a SYN unanswered for 1 s was lost, the initial retransmission timeout of
    /// RFC 6298 (2.1) that Linux, Windows and macOS use; a connect that works, even across an ocean, takes a few hundred
    /// milliseconds at most, and a DNS lookup that works as long.
    /// </summary>
    internal static readonly TimeSpan StalledAfter = TimeSpan.FromSeconds(1);

    /// <summary>How long a connection attempt (DNS lookup, TCP connect, TLS handshake) may take before the send fails.</summary>
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Marks a batch's request (<see cref="SendRequestAsync"/>): only a connect made for one counts as stalled, and only
    /// while that send waits; the level poll's does not (<see cref="StalledConnect"/>).
    /// </summary>
    private static readonly HttpRequestOptionsKey<BatchSend> BatchSendKey = new("ThreadedLogging.BatchSend");

    /// <summary>The longest answer read for level rules: the collector's are a few hundred bytes.</summary>
    private const int MaxLevelsBytes = 64 * 1024;

    private readonly HttpClient _client;
    private readonly ThreadedHttpHandlerOptions _options;
    private readonly bool _post;
    private readonly bool _compress;
    private readonly Stack<RequestBody> _bodies = new(2);
    private readonly ConcurrentDictionary<object, Stall> _stalled = new(); // batch sends' stalled connection attempts, by attempt
    private readonly ConcurrentDictionary<BatchSend, byte> _sending = new(); // the batch sends in flight (two at most)
    private readonly BatchSend _tunnel = new(); // a proxy's CONNECT's (https): SocketsHttpHandler makes it unmarked, whoever's request needs it
    private readonly SocketsHttpHandler _handler;
    private Uri? _uri;
    private volatile int _format;
    private int _stalledConnects; // batch sends' connection attempts under way for longer than StalledAfter

    public HttpBatchSink(ThreadedHttpHandlerOptions options)
    {
        options.Validate();
        _options = options;
        _format = (int)options.Format;
        _post = string.Equals(options.Method, "POST", StringComparison.OrdinalIgnoreCase);
        _compress = options.Compress ?? !IsLoopback(options.Host);
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = ConnectTimeout,
            AutomaticDecompression = DecompressionMethods.None,
            AllowAutoRedirect = false, // a 301/302/303 was followed as a GET without the body, and its 200 counted the events sent
            ConnectCallback = ConnectAsync, // the default connect, watched for a stall when a batch's request made it
            RequestHeaderEncodingSelector = HeaderWritten, // a batch's request is out once its headers are written on a connection
        };
        HttpProxySetting.Apply(handler, options.Proxy, options.Host);
        _handler = handler;
        _client = new HttpClient(handler)
        {
            Timeout = Timeout.InfiniteTimeSpan, // per request, below, so shutdown can cancel too
        };
        if (options.Credentials is { } credentials)
        {
            var token = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credentials.UserName}:{credentials.Password}"));
            _client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", token);
        }

        if (options.ApiKey is { Length: > 0 } apiKey)
        {
            _client.DefaultRequestHeaders.TryAddWithoutValidation(options.ApiKeyHeader, apiKey);
        }
    }

    /// <summary>Gets the TLS options of the sink's connections (https): a test's server is trusted through them.</summary>
    internal SslClientAuthenticationOptions SslOptions => _handler.SslOptions;

    /// <summary>Gets or sets who receives the collector's level rules when an answer carries them (issue 13).</summary>
    public Action<IReadOnlyList<LevelRule>>? LevelsReceived { get; set; }

    public HttpLogFormat Format
    {
        get => (HttpLogFormat)_format;
        set => _format = Enum.IsDefined(value) ? (int)value : throw new ArgumentOutOfRangeException(nameof(value), value, "Format must be PythonForm or JsonBatch.");
    }

    public async ValueTask<SendResult> SendAsync(LogBatch batch, CancellationToken cancellationToken)
    {
        _uri ??= BuildUri(_options, batch.Identity);
        if (Format == HttpLogFormat.JsonBatch)
        {
            var body = RentBody();
            try
            {
                return await SendRequestAsync(() => JsonRequest(batch, body), cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                ReturnBody(body);
            }
        }

        for (var i = 0; i < batch.Events.Count; i++)
        {
            var logEvent = batch.Events[i];
            var fields = FormUrlEncoder.Encode(PythonRecord.GetFields(logEvent, batch.Identity));

            // The form stays exactly Python's; the header lets our collector store a resent record once.
            var key = $"{batch.Identity.InstanceId}-{logEvent.Sequence}";
            var result = await SendRequestAsync(() => FormRequest(fields, key), cancellationToken).ConfigureAwait(false);
            if (result.Outcome != SendOutcome.Sent)
            {
                return result with { Completed = i };
            }
        }

        return SendResult.Success;
    }

    /// <inheritdoc />
    public bool CanSendEnvelopes => Format == HttpLogFormat.JsonBatch;

    /// <inheritdoc />
    /// <remarks>PythonForm sends one request per event, in order: one batch at a time.</remarks>
    public bool CanSendConcurrently => Format == HttpLogFormat.JsonBatch;

    /// <inheritdoc />
    public async ValueTask<SendResult> SendEnvelopeAsync(ReadOnlyMemory<byte> json, ReadOnlyMemory<byte> gzipped, string batchId, LogIdentity identity, CancellationToken cancellationToken)
    {
        _uri ??= BuildUri(_options, identity);
        var gzip = _compress && !gzipped.IsEmpty;
        return await SendRequestAsync(() => EnvelopeRequest(gzip ? gzipped : json, gzip, batchId), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Only an attempt made for a batch's request whose send still waits for a connection: the level poll's attempt (the
    /// same client), an attempt that outlived its send, and one whose request went out on another connection meanwhile
    /// (.NET hands a waiting request to whichever connection frees up first, the level poll's once its answer is read, and
    /// keeps the request's own connect running) say nothing about the send in flight, which may yet be answered. A proxy's
    /// CONNECT, whose request is not known, counts while any batch send waits for a connection (<see cref="AnySendWaits"/>).
    /// </remarks>
    public string? StalledConnect
    {
        get
        {
            if (Volatile.Read(ref _stalledConnects) == 0)
            {
                return null;
            }

            foreach (var (_, stall) in _stalled)
            {
                if (stall.Send == _tunnel ? AnySendWaits() : stall.Send.Waits)
                {
                    return stall.What;
                }
            }

            return null;
        }
    }

    /// <inheritdoc />
    public Action? ConnectStalled { get; set; }

    /// <summary>
    /// Whether a batch send in flight still waits for a connection: a proxy's CONNECT that stalls then may be its own, and
    /// is through the proxy its own needs; otherwise it is the level poll's, or outlived the send that made it.
    /// </summary>
    private bool AnySendWaits()
    {
        foreach (var (send, _) in _sending)
        {
            if (send.Waits)
            {
                return true;
            }
        }

        return false;
    }

    public void Dispose() => _client.Dispose();

    /// <summary>The seed's <c>host</c> + <c>url</c>, with <c>{user}</c>, <c>{machine}</c>, <c>{app}</c> filled in.</summary>
    internal static Uri BuildUri(ThreadedHttpHandlerOptions options, LogIdentity identity)
    {
        var path = options.Url
            .Replace("{user}", FormUrlEncoder.EncodePathSegment(identity.User), StringComparison.OrdinalIgnoreCase)
            .Replace("{machine}", FormUrlEncoder.EncodePathSegment(identity.Machine), StringComparison.OrdinalIgnoreCase)
            .Replace("{app}", FormUrlEncoder.EncodePathSegment(identity.App), StringComparison.OrdinalIgnoreCase);
        return new Uri($"{(options.Secure ? "https" : "http")}://{options.Host}{path}");
    }

    /// <summary>
    /// Whether <c>name[:port]</c> names this machine's loopback: <c>localhost</c> and the names under it (<c>app.localhost</c>),
    /// with or without the root's dot (<c>localhost.</c>), which RFC 6761 (6.3) reserves for loopback; <c>127.0.0.0/8</c>; <c>[::1]</c>.
    /// </summary>
    internal static bool IsLoopback(string host)
    {
        var name = HostName(host);
        if (IPAddress.TryParse(name, out var address))
        {
            return IPAddress.IsLoopback(address);
        }

        name = name.EndsWith('.') ? name[..^1] : name;
        return string.Equals(name, "localhost", StringComparison.OrdinalIgnoreCase)
            || name.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The host of <c>name[:port]</c> as a URI gives it (an IPv6 address without brackets, a name in punycode), or <paramref name="host"/> itself.</summary>
    internal static string HostName(string host) => Uri.TryCreate("http://" + host, UriKind.Absolute, out var uri) ? uri.IdnHost : host;

    /// <summary>
    /// The handler's connect (its default's: a dual-mode socket without Nagle, to the host or the proxy, each of the
    /// name's addresses in turn), which says when it has run for <see cref="StalledAfter"/> and is still under way
    /// (<see cref="StalledConnect"/>, <see cref="ConnectStalled"/>) until it ends, connected or not; then, for https or a
    /// proxy's CONNECT, the handshakes SocketsHttpHandler runs on the stream returned here before any byte of the request
    /// goes out (<see cref="HandshakeWatch"/>), each said stalled the same way while its answer is <see cref="StalledAfter"/> late.
    /// </summary>
    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var stalled = new object(); // this attempt, in _stalled once it stalls
        var request = context.InitialRequestMessage;
        var tunnel = request.Method == HttpMethod.Connect;
        if (!request.Options.TryGetValue(BatchSendKey, out var send) && tunnel)
        {
            send = _tunnel; // https through a proxy: SocketsHttpHandler's own CONNECT carries no mark, whoever's send made it
        }

        var to = $"{context.DnsEndPoint.Host}:{context.DnsEndPoint.Port}";
        var connected = false;
        try
        {
            var connect = socket.ConnectAsync(context.DnsEndPoint, cancellationToken).AsTask();
            try
            {
                // The connect itself ends at the token: observed either way.
                await connect.WaitAsync(send is null ? Timeout.InfiniteTimeSpan : StalledAfter).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                BeginStall(stalled, new Stall(send!, to, $"connecting to {to}", "the network did not answer the connection attempt or its DNS lookup"));
                await connect.ConfigureAwait(false);
            }

            connected = true;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        finally
        {
            EndStall(stalled, connected);
        }

        var stream = new EarlyAnswerStream(socket); // a batch request's answer read when it came before the request was all written
        var proxy = send is null ? null : ProxyScheme();
        if (proxy is "socks4" or "socks4a" or "socks5" || proxy == Uri.UriSchemeHttps)
        {
            // The proxy's own exchange comes first (the SOCKS greeting, or TLS with an https proxy): only that one is watched,
            // what follows it (the SOCKS request, a CONNECT inside TLS, the host's TLS) is bounded by ConnectTimeout.
            var first = proxy == Uri.UriSchemeHttps
                ? new Stall(send!, to, $"the TLS handshake with the proxy {to}", "the proxy did not answer the TLS handshake")
                : new Stall(send!, to, $"the SOCKS handshake with the proxy {to}", "the proxy did not answer the SOCKS handshake");
            var greeting = new object();
            return new HandshakeWatch(stream, 1, _ => BeginStall(greeting, first), answered => EndStall(greeting, answered));
        }

        if (send is null || !(tunnel || _options.Secure))
        {
            return stream; // plain http: the request is the first write; the level poll's connection is awaited unwatched
        }

        // The exchanges before the request: the proxy's CONNECT, then (https) the TLS handshake through its tunnel; or the
        // TLS handshake with the host.
        var target = tunnel ? request.Headers.Host ?? to : to;
        Stall[] handshakes = tunnel
            ? _options.Secure
                ? [new(send, to, $"the CONNECT to {target} through the proxy {to}", "the proxy did not answer the CONNECT"), new(send, to, $"the TLS handshake with {target} through the proxy {to}", "the server did not answer the TLS handshake")]
                : [new(send, to, $"the CONNECT to {target} through the proxy {to}", "the proxy did not answer the CONNECT")]
            : [new(send, to, $"the TLS handshake with {to}", "the server did not answer the TLS handshake")];
        var watched = new object(); // the handshakes' attempt, in _stalled while one stalls
        return new HandshakeWatch(stream, handshakes.Length, exchange => BeginStall(watched, handshakes[exchange]), answered => EndStall(watched, answered));
    }

    /// <summary>
    /// The last stall of a proxy's CONNECT (<see cref="_tunnel"/>, kept when it failed) if it is not <paramref name="before"/>,
    /// the one kept when a send began: a stall begun during that send. Before, a CONNECT that stalled and failed in an
    /// earlier attempt was named by a later send the connect's timeout ended for another reason ("the proxy did not answer
    /// the CONNECT" when it had).
    /// </summary>
    private Stall? TunnelStallSince(Stall? before) => _tunnel.LastStall is { } stall && !ReferenceEquals(stall, before) ? stall : null;

    /// <summary>The scheme of the proxy the sink's requests go through (<c>http</c>, <c>https</c>, <c>socks5</c> …), or null when they go direct.</summary>
    private string? ProxyScheme() => ProxySchemeOf(
        _handler.UseProxy ? _handler.Proxy ?? HttpClient.DefaultProxy : null,
        new Uri((_options.Secure ? "https://" : "http://") + _options.Host + "/"));

    /// <summary>
    /// The scheme of the proxy <paramref name="proxy"/> gives for <paramref name="target"/>, or null when none does. A proxy
    /// that throws (an app's <see cref="HttpClient.DefaultProxy"/> whose PAC lookup fails) is none, as SocketsHttpHandler
    /// takes it (it then connects directly): before, the throw ended every batch send's connect.
    /// </summary>
    internal static string? ProxySchemeOf(IWebProxy? proxy, Uri target)
    {
        try
        {
            return proxy is null || proxy.IsBypassed(target) ? null : proxy.GetProxy(target)?.Scheme;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return null;
        }
    }

    /// <summary>A batch send's connection attempt stalled: said (<see cref="StalledConnect"/>) until <see cref="EndStall"/>.</summary>
    private void BeginStall(object attempt, Stall stall)
    {
        stall.Send.LastStall = stall;
        if (_stalled.TryAdd(attempt, stall))
        {
            Interlocked.Increment(ref _stalledConnects); // a full fence before ConnectStalled reads who waits for it
        }
        else
        {
            _stalled[attempt] = stall;
        }

        ConnectStalled?.Invoke();
    }

    /// <summary>
    /// The attempt is over (connected or answered: <paramref name="completed"/>; failed or cancelled), or never stalled.
    /// A stall that completed is no reason for a later failure of its send: its send forgets it. One that failed is kept,
    /// for the send's error when the connect's timeout ends it.
    /// </summary>
    private void EndStall(object attempt, bool completed)
    {
        if (_stalled.TryRemove(attempt, out var stall))
        {
            Interlocked.Decrement(ref _stalledConnects);
            if (completed)
            {
                stall.Send.Forget(stall);
            }
        }
    }

    /// <summary>
    /// SocketsHttpHandler asks, for each header of a request, as it writes the request's headers on the connection the
    /// request got (HTTP/1.1 and HTTP/2 alike), which encoding that header's value takes: the one point where it hands the
    /// request itself to us once it is going out, on whichever connection (.NET hands a waiting request to the first
    /// connection that frees up, the level poll's once its answer is read, and keeps the request's own connect running).
    /// A batch's request (every one carries its <c>Idempotency-Key</c>) is out from then on: its connect, still running,
    /// stalls nothing its send waits for (<see cref="StalledConnect"/>). Before, its body said so as it was written, and the
    /// Python form's GET, which has none, never did. Chooses no encoding: null, the default.
    /// <para>
    /// From here the flow writes the request on that connection, headers and body (SocketsHttpHandler's HTTP/1.1 send, an
    /// async method whose flow this value lives in until it returns): its writes, and only they, are the request's
    /// (<see cref="BodyWrite.Current"/>, for <see cref="EarlyAnswerStream"/>). Set by the send itself, the value flowed
    /// into the connect .NET opened for the waiting request, whose handshake, reset after the request had gone out on
    /// another connection, marked the request cut: its 2xx was said a failed write.
    /// </para>
    /// </summary>
    private static Encoding? HeaderWritten(string header, HttpRequestMessage request)
    {
        if (string.Equals(header, "Idempotency-Key", StringComparison.OrdinalIgnoreCase) && request.Options.TryGetValue(BatchSendKey, out var send))
        {
            send.RequestOut = true;
            BodyWrite.Current.Value = send.Body;
        }

        return null;
    }

    private HttpRequestMessage FormRequest(string fields, string idempotencyKey)
    {
        HttpRequestMessage request;
        if (_post)
        {
            // Exactly Python's header: no charset parameter (the body is ASCII after encoding).
            var content = new ReadOnlyMemoryContent(Encoding.ASCII.GetBytes(fields));
            content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");
            request = new HttpRequestMessage(HttpMethod.Post, _uri) { Content = content };
        }
        else
        {
            // As Python's HTTPHandler: append the query with '&' when the url already has one.
            var separator = _uri!.OriginalString.Contains('?', StringComparison.Ordinal) ? "&" : "?";
            request = new HttpRequestMessage(HttpMethod.Get, new Uri(_uri.OriginalString + separator + fields));
        }

        request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        return request;
    }

    private HttpRequestMessage JsonRequest(LogBatch batch, RequestBody body)
    {
        body.Json.ResetWrittenCount();
        JsonBatchWriter.WriteEnvelope(body.Json, batch);
        if (!_compress)
        {
            return EnvelopeRequest(body.Json.WrittenMemory, gzip: false, batch.Id);
        }

        body.Compressed.SetLength(0);
        using (var gzip = new GZipStream(body.Compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(body.Json.WrittenSpan);
        }

        return EnvelopeRequest(body.Compressed.GetBuffer().AsMemory(0, (int)body.Compressed.Length), gzip: true, batch.Id);
    }

    /// <summary>A body's buffers for one send: kept from send to send (one per send in flight, so two at most).</summary>
    private RequestBody RentBody()
    {
        lock (_bodies)
        {
            return _bodies.TryPop(out var body) ? body : new RequestBody();
        }
    }

    private void ReturnBody(RequestBody body)
    {
        lock (_bodies)
        {
            if (_bodies.Count < 2)
            {
                _bodies.Push(body);
            }
        }
    }

    private HttpRequestMessage EnvelopeRequest(ReadOnlyMemory<byte> body, bool gzip, string batchId)
    {
        var content = new ReadOnlyMemoryContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (gzip)
        {
            content.Headers.ContentEncoding.Add("gzip");
        }

        var request = new HttpRequestMessage(HttpMethod.Post, _uri) { Content = content };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", batchId);
        return request;
    }

    private async Task<SendResult> SendRequestAsync(Func<HttpRequestMessage> createRequest, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.RequestTimeout);
        var send = new BatchSend();
        var tunnelStallBefore = _tunnel.LastStall; // a proxy's CONNECT stall of an earlier attempt, which this one's error must not name
        _sending[send] = 0;
        try
        {
            using var request = createRequest();
            request.Options.Set(BatchSendKey, send); // its connect, if it makes one, may say that it stalls; its headers' writing, that it is out, and which writes are its own

            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            if (send.Body.CutBy is { } cut && (int)response.StatusCode < 400)
            {
                // The receiver answered before it had the whole body and closed the connection: a refusal (413, 401, 503 …)
                // is its answer to this request; anything else (a 2xx for a body it never had whole) is the write's failure.
                return WriteFailed(cut);
            }

            var result = Classify(response, _options.TimeProvider.GetUtcNow(), collectorsWire: Format == HttpLogFormat.JsonBatch);
            if (result.Outcome == SendOutcome.Sent)
            {
                if (Format == HttpLogFormat.JsonBatch)
                {
                    using var bodyWait = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);
                    bodyWait.CancelAfter(AnswerReason.BodyWait); // the status says stored: a stalled body must not hold the send
                    await TryReadLevelsAsync(response, bodyWait.Token).ConfigureAwait(false);
                }

                return result;
            }

            result = await AnswerReason.AddToAsync(result, response, cancellationToken).ConfigureAwait(false);
            return response.StatusCode == HttpStatusCode.Unauthorized ? result with { Error = result.Error + KeyHint() } : result;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Not the request's timeout: the handler's ConnectTimeout, which SocketsHttpHandler throws as a cancellation too
            // (it was said "No answer within 600 s" after 10 s, when no request had gone out).
            return new SendResult(SendOutcome.Transient, Error: timeout.IsCancellationRequested
                ? $"No answer within {_options.RequestTimeout.TotalSeconds} s"
                : (send.LastStall ?? TunnelStallSince(tunnelStallBefore)) is { } stall // its own connect's, else a proxy's CONNECT's (whose is not known) begun since it started
                    ? $"No connection to {stall.To} within {ConnectTimeout.TotalSeconds} s ({stall.Why})"
                    : ProxyScheme() is null
                        ? $"No connection to {_options.Host} within {ConnectTimeout.TotalSeconds} s (the network did not answer the connection attempt or its DNS lookup)"
                        : $"No connection to {_options.Host} within {ConnectTimeout.TotalSeconds} s (the connection through the proxy was not set up)");
        }
        catch (HttpRequestException e) when (e is { HttpRequestError: HttpRequestError.ProxyTunnelError, StatusCode: HttpStatusCode.ProxyAuthenticationRequired or HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden })
        {
            // https through a proxy that refused the CONNECT its credentials (407; tinyproxy says 401) or the destination (403):
            // a refused key, not an outage to retry for as long as the app runs (plain http gets these as an answer: Classify).
            return new SendResult(SendOutcome.Unauthorized, Error: HttpProxySetting.WithoutCredentials(e.Message));
        }
        catch (HttpRequestException) when (send.Body.CutBy is { } cut)
        {
            // The write failed with bytes of the receiver waiting, but they were no answer: over TLS, the handshake's and a
            // TLS 1.3 session ticket, which come on their own. The answer's read then failed on the reset ("The response
            // ended prematurely"), which said nothing of why: the write's failure is what happened.
            return WriteFailed(cut);
        }
        catch (HttpRequestException e)
        {
            // The message of a proxy's failure names the proxy's URI, with the credentials of HTTPS_PROXY if it holds them;
            // why it failed (a certificate, a reset, a response cut off) is in its inner exceptions.
            return new SendResult(SendOutcome.Transient, Error: HttpProxySetting.WithoutCredentials(TransportError.Describe(e)));
        }
        finally
        {
            send.Over = true; // a connect still running for it says nothing about the next send
            _sending.TryRemove(send, out _);
        }
    }

    /// <summary>
    /// A request whose body's write failed (<see cref="BodyWrite.CutBy"/>) and whose answer, read in its place, was no
    /// refusal: the write's failure, as .NET says it when it reads no answer.
    /// </summary>
    private static SendResult WriteFailed(IOException cut) =>
        new(SendOutcome.Transient, Error: $"Error while copying content to a stream: {TransportError.Describe(cut)}");

    /// <summary>Asks the collector for this identity's levels (<c>GET /api/levels/effective</c>); failures are ignored: the next answer or poll will do.</summary>
    public async Task PollLevelsAsync(LogIdentity identity, CancellationToken cancellationToken)
    {
        var uri = new Uri($"{(_options.Secure ? "https" : "http")}://{_options.Host}/api/levels/effective?app={Uri.EscapeDataString(identity.App)}"
            + $"&version={Uri.EscapeDataString(identity.Version)}&user={Uri.EscapeDataString(identity.User)}&machine={Uri.EscapeDataString(identity.Machine)}");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.RequestTimeout);
        try
        {
            using var response = await _client.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                await TryReadLevelsAsync(response, timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
        {
            // Unreachable: the rules in force expire on their own.
        }
    }

    /// <summary>
    /// Reads the level rules of a 2xx answer, at most 64 KiB of it. Best effort: the answer's status already says the
    /// batch is stored, so a body cut off, too slow or too long is no rules, never a failed send (that resent a stored
    /// batch for ever).
    /// </summary>
    private async Task TryReadLevelsAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        // An empty answer (a receiver other than our collector) carries no rules: parsing it would throw and catch a
        // JsonException per batch (5 % of the worker's samples against PeerBench's counting server).
        if (LevelsReceived is not { } receiver || response.Content.Headers.ContentLength is 0 or > MaxLevelsBytes)
        {
            return;
        }

        var body = ArrayPool<byte>.Shared.Rent(MaxLevelsBytes + 1);
        try
        {
            var length = 0;
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using var disposeStream = stream.ConfigureAwait(false);
            int read;
            while (length <= MaxLevelsBytes && (read = await stream.ReadAsync(body.AsMemory(length, MaxLevelsBytes + 1 - length), cancellationToken).ConfigureAwait(false)) > 0)
            {
                length += read;
            }

            if (length is > 0 and <= MaxLevelsBytes && LevelAnswer.Read(body.AsSpan(0, length)) is { } rules)
            {
                receiver(rules);
            }
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException)
        {
            // No rules this time: the next answer or poll brings them.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(body);
        }
    }

    /// <summary>
    /// What a 401 asks of the app: "invalid API key" named no option, and an app without a key (the quick start's first
    /// step) was not told that it sends none.
    /// </summary>
    private string KeyHint()
    {
        // Some proxies (tinyproxy) refuse their credentials with 401, not 407.
        var proxy = _options.Proxy is { Length: > 0 } p && !p.Equals("none", StringComparison.OrdinalIgnoreCase) ? ", or the credentials in Proxy" : string.Empty;
        return _options.ApiKey is { Length: > 0 }
            ? $" (check the handler's ApiKey, sent in {_options.ApiKeyHeader}: the collector takes one of its Collector:IngestApiKeys{proxy})"
            : $" (the handler sends no key: set its ApiKey to one of the collector's Collector:IngestApiKeys{proxy})";
    }

    /// <summary>
    /// Network, 408, 429 and 5xx are transient (a 500, the receiver failing on the request, split after a few in a row:
    /// <see cref="SendResult.ServerFault"/>); 413 splits; 401/403 refuse the key (407: the proxy's credentials); 400, 414 and 422 refuse the content
    /// (split to find the poison event); any other 4xx and a redirect (not followed) refuse the request whatever it carries.
    /// With <paramref name="collectorsWire"/> (JsonBatch, which only our collector speaks) a 2xx is a delivery only when it is
    /// the collector's answer (<see cref="IsCollectorsAnswer"/>): another (a captive portal's or a proxy's page, 200
    /// text/html) is an outage, the batch kept and sent again; and a 500 is the receiver failing on the request only when
    /// it is the collector's (JSON, <c>{"error": …}</c>): a proxy's 500 ("Unable to connect", text/html) while the collector
    /// is down is an outage, never split nor dropped. PythonForm goes to any server, which may answer anything: any 2xx
    /// is a delivery, as in Python's <c>HTTPHandler</c>, and any 500 the receiver's.
    /// </summary>
    internal static SendResult Classify(HttpResponseMessage response, DateTimeOffset now, bool collectorsWire = false)
    {
        var status = (int)response.StatusCode;
        if (status is >= 200 and < 300)
        {
            return !collectorsWire || IsCollectorsAnswer(response.Content.Headers) ? SendResult.Success : NotTheCollectors(response, status);
        }

        // The reason phrase and Location are the receiver's words, of any length (a header may be 64 KiB): cut as its body's
        // reason is (AnswerReason), or one answer made self-log lines of that length.
        var error = $"HTTP {status} {ReasonLine.Bounded(response.ReasonPhrase)}";
        var result = status switch
        {
            500 when collectorsWire && !IsJson(response.Content.Headers) => new SendResult(SendOutcome.Transient, RetryAfter: RetryAfter(response, now), Error: $"{error} (not the collector's answer ({MediaTypeOf(response.Content.Headers)}): a proxy's? taken as an outage)"),
            500 => new SendResult(SendOutcome.Transient, RetryAfter: RetryAfter(response, now), Error: error) { ServerFault = true },
            408 or 429 or >= 500 => new SendResult(SendOutcome.Transient, RetryAfter: RetryAfter(response, now), Error: error),
            413 => new SendResult(SendOutcome.TooLarge, Error: error),
            401 or 403 or 407 => new SendResult(SendOutcome.Unauthorized, RetryAfter: RetryAfter(response, now), Error: error),
            400 or 414 or 422 => new SendResult(SendOutcome.Rejected, Error: error),
            >= 300 and < 400 => new SendResult(SendOutcome.Refused, Error: $"{error} to {ReasonLine.Bounded(response.Headers.Location?.OriginalString) ?? "no Location"} (not followed: set Host and Url to where it points)"),
            _ => new SendResult(SendOutcome.Refused, Error: error),
        };

        // The status is what failed; the reason phrase and the body (AnswerReason) are the receiver's words, which may
        // differ from answer to answer: compared, they made each attempt of an outage a new reason, a self-log line each.
        return result with { Cause = $"HTTP {status}" };
    }

    /// <summary>
    /// Whether a 2xx is the collector's answer: JSON (<c>{"accepted": n, …}</c>, read leniently: its fields may grow), or
    /// nothing at all (no body, no type: a receiver of the user's own, a test's or a benchmark's, that says only its
    /// status). A page (text/html from a captive portal or a proxy's block page) or any other typed body is not.
    /// </summary>
    internal static bool IsCollectorsAnswer(HttpContentHeaders headers) =>
        IsJson(headers) || (headers.ContentType is null && headers.ContentLength is 0);

    /// <summary>Whether the answer's body is JSON (<c>application/json</c>, or a type ending <c>+json</c>).</summary>
    private static bool IsJson(HttpContentHeaders headers) =>
        headers.ContentType?.MediaType is { } type
        && (type.Equals("application/json", StringComparison.OrdinalIgnoreCase) || type.EndsWith("+json", StringComparison.OrdinalIgnoreCase));

    private static string MediaTypeOf(HttpContentHeaders headers) =>
        ReasonLine.Bounded(headers.ContentType?.MediaType) ?? (headers.ContentLength is 0 ? "no body" : "no Content-Type");

    /// <summary>
    /// A 2xx that is not the collector's answer: the batch was not stored. An outage (retried, held, spooled; never
    /// dropped for it), its cause the status and the type, so the self-log says it once, not per attempt.
    /// </summary>
    private static SendResult NotTheCollectors(HttpResponseMessage response, int status)
    {
        var type = MediaTypeOf(response.Content.Headers);
        return new SendResult(SendOutcome.Transient, Error: $"HTTP {status} {ReasonLine.Bounded(response.ReasonPhrase)}: the answer is not the collector's ({status} {type}): a captive portal or proxy? The batch is kept and sent again")
        {
            Cause = $"HTTP {status} {type}",
        };
    }

    /// <summary><c>Retry-After</c> as seconds or as an HTTP date.</summary>
    private static TimeSpan? RetryAfter(HttpResponseMessage response, DateTimeOffset now)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - (response.Headers.Date ?? now);
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }

    /// <summary>The buffers one JsonBatch send writes its body into.</summary>
    private sealed class RequestBody
    {
        public ArrayBufferWriter<byte> Json { get; } = new(16 * 1024);

        public MemoryStream Compressed { get; } = new();
    }

    /// <summary>
    /// A batch send's stalled connection attempt: whose send, to where (the host, or the proxy), what has not completed
    /// (the subject of "… has not completed within 1 s": connecting, a proxy's CONNECT, a TLS handshake) and why the
    /// connect's timeout, if it ends the send, says there was no connection.
    /// </summary>
    private sealed record Stall(BatchSend Send, string To, string What, string Why);

    /// <summary>A batch's send, as its request's connect sees it (<see cref="BatchSendKey"/>).</summary>
    private sealed class BatchSend
    {
        private volatile bool _over;
        private Stall? _lastStall;

        /// <summary>Gets or sets whether the send has ended (answered, failed or cancelled).</summary>
        public bool Over
        {
            get => _over;
            set => _over = value;
        }

        /// <summary>
        /// Gets or sets whether the request's headers began to be written on a connection (<see cref="HeaderWritten"/>): the
        /// request is out, whatever its own connect still does.
        /// </summary>
        public bool RequestOut
        {
            get => Body.HeadersOut;
            set => Body.HeadersOut = value;
        }

        /// <summary>Gets its request as a connection's stream sees it written (<see cref="EarlyAnswerStream"/>).</summary>
        public BodyWrite Body { get; } = new();

        /// <summary>Gets whether the send still waits for a connection: neither ended nor its request out.</summary>
        public bool Waits => !_over && !Body.HeadersOut;

        /// <summary>
        /// Gets or sets the last stall of a connect made for this send and not completed since: what the connect's timeout,
        /// when it ends the send, says it waited for. Kept per send: one kept for the sink named an old stall's address.
        /// </summary>
        public Stall? LastStall
        {
            get => Volatile.Read(ref _lastStall);
            set => Volatile.Write(ref _lastStall, value);
        }

        /// <summary>Forgets <paramref name="stall"/>, which completed, unless a later one took its place.</summary>
        public void Forget(Stall stall) => Interlocked.CompareExchange(ref _lastStall, null, stall);
    }
}
