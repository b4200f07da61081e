using Microsoft.Extensions.Logging;

namespace ThreadedLogging;

/// <summary>
/// The seed's <c>ThreadedHttpHandler(host, url, method)</c>: logs go to an HTTP server from the
/// background worker. By default (<see cref="HttpLogFormat.JsonBatch"/>) it sends many events per request, each with its
/// template and properties, to ThreadedLogging's collector; the seed's constructor,
/// <see cref="ThreadedHttpHandler(string, string, string)"/>, speaks the wire format of Python's
/// <c>logging.handlers.HTTPHandler</c> (<see cref="HttpLogFormat.PythonForm"/>), so any server written for Camelot or Python
/// receives it unchanged.
/// </summary>
/// <remarks>
/// The name is the seed's (a Python <c>logging</c> handler), kept so that code ported from it reads the same:
/// this is an <see cref="ILoggerProvider"/>, not a <see cref="System.Net.Http.HttpMessageHandler"/>, and it has
/// nothing to do with <see cref="System.Net.Http.HttpClient"/>'s handler pipeline.
/// </remarks>
[ProviderAlias("ThreadedHttp")]
public sealed class ThreadedHttpHandler : ThreadedHandler
{
    private readonly HttpBatchSink _sink;

    /// <summary>
    /// Creates a handler like the seed's, <c>ThreadedHttpHandler('www.example.com:80', '/my_logs/')</c>, speaking the seed's
    /// wire format: <see cref="HttpLogFormat.PythonForm"/> (Python's <c>HTTPHandler</c>: one request per event, the
    /// rendered message only), for receivers written for the seed. For ThreadedLogging's collector, create it from
    /// <see cref="ThreadedHttpHandlerOptions"/>, whose <see cref="ThreadedHttpHandlerOptions.Format"/> is
    /// <see cref="HttpLogFormat.JsonBatch"/> by default.
    /// </summary>
    /// <param name="host">The server, <c>name:port</c>.</param>
    /// <param name="url">The path; may contain <c>{user}</c>, <c>{machine}</c>, <c>{app}</c>.</param>
    /// <param name="method"><c>GET</c> (the default) or <c>POST</c>.</param>
    /// <exception cref="ArgumentException">An argument is invalid; the message names it.</exception>
    public ThreadedHttpHandler(string host, string url, string method = "GET")
        : this(new ThreadedHttpHandlerOptions { Host = host, Url = url, Method = method, Format = HttpLogFormat.PythonForm })
    {
    }

    /// <summary>Creates a handler from options.</summary>
    /// <param name="options">The options.</param>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public ThreadedHttpHandler(ThreadedHttpHandlerOptions options)
        : this(new HttpBatchSink(options ?? throw new ArgumentNullException(nameof(options))), options)
    {
    }

    private ThreadedHttpHandler(HttpBatchSink sink, ThreadedHttpHandlerOptions options)
        : base(sink, options)
    {
        _sink = sink;
        if (ClearTextCredentials.Warning(options) is { } warning)
        {
            new SelfLog(options.SelfLog, Time).Write(warning);
            ThreadedLoggingEventSource.Log.CredentialsInClearText(options.Host, warning); // SelfLog is off by default
        }

        sink.LevelsReceived = Levels.Apply;
        if (options.LevelPollInterval > TimeSpan.Zero)
        {
            Levels.Owned = new LevelPoller(sink, Levels, Identity, Time, options.LevelPollInterval, options.RequestTimeout, ReleaseLevelHold);
        }
    }

    /// <summary>Gets or sets the wire format; takes effect from the next batch.</summary>
    public HttpLogFormat Format
    {
        get => _sink.Format;
        set => _sink.Format = value;
    }
}
