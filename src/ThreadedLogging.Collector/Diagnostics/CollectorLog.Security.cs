namespace ThreadedLogging.Collector.Diagnostics;

/// <summary>The collector's messages about its keys and their transport (ids 700+).</summary>
internal static partial class CollectorLog
{
    [LoggerMessage(700, LogLevel.Warning, "{Setting} is {Length} characters long: a short key can be guessed. Use at least {Minimum} random characters, e.g. `openssl rand -hex 32`")]
    public static partial void ShortKey(ILogger logger, string setting, int length, int minimum);

    [LoggerMessage(701, LogLevel.Warning, "Listening on {Urls} over plain http with keys set: keys, session cookies and events cross the network in clear text. Serve https (Kestrel:Endpoints:Https) or put a TLS-terminating proxy in front (README, TLS)")]
    public static partial void KeysInClearText(ILogger logger, string urls);

    [LoggerMessage(702, LogLevel.Warning, "Sign-in from {RemoteAddress}: {Failures} wrong keys within {Window}; its sign-ins are answered 429 until that window ends")]
    public static partial void SignInThrottled(ILogger logger, string remoteAddress, int failures, TimeSpan window);

    [LoggerMessage(703, LogLevel.Warning, "Collector:TrustedProxies is not read: no key is set, so there is no throttle or 401 line for it to serve, and a forwarded request is never one from this machine (README)")]
    public static partial void TrustedProxiesIgnored(ILogger logger);

    [LoggerMessage(704, LogLevel.Information, "{Role} keys: {Sources}")]
    public static partial void KeysFrom(ILogger logger, string role, string sources);

    [LoggerMessage(705, LogLevel.Warning, "Secrets on the command line ({Settings}): every user of this machine can read a process's arguments (/proc/PID/cmdline, ps). Keep keys and passwords in the --config file or the environment (systemd's EnvironmentFile), readable by the service's user only: chmod 600 (README, Security)")]
    public static partial void SecretsOnCommandLine(ILogger logger, string settings);

    [LoggerMessage(706, LogLevel.Warning, "Secrets readable by every user of this machine: {File} holds {What} at mode {Mode}; chmod 600 it, or 640 with a group of the service's own (README, Security)")]
    public static partial void SecretsFileReadable(ILogger logger, string file, string what, string mode);

    [LoggerMessage(710, LogLevel.Information, "API keys reloaded: {Ingest} ingest, {Read} read, {Admin} admin keys in force. Ingest keys: {IngestSources}. Read keys: {ReadSources}. Admin keys: {AdminSources}")]
    public static partial void KeysReloaded(ILogger logger, int ingest, int read, int admin, string ingestSources, string readSources, string adminSources);

    [LoggerMessage(716, LogLevel.Information, "API keys unchanged: a key setting changed in a settings file, but none of the {Ingest} ingest, {Read} read, {Admin} admin keys in force did. Ingest keys: {IngestSources}. Read keys: {ReadSources}. Admin keys: {AdminSources}")]
    public static partial void KeysShadowed(ILogger logger, int ingest, int read, int admin, string ingestSources, string readSources, string adminSources);

    [LoggerMessage(711, LogLevel.Warning, "API keys not reloaded, the keys in force stay: {Reason}")]
    public static partial void KeysNotReloaded(ILogger logger, string reason);

    [LoggerMessage(712, LogLevel.Information, "Settings changed: {What}")]
    public static partial void SettingsFileGone(ILogger logger, string what);

    [LoggerMessage(713, LogLevel.Warning, "Settings file not read, the settings last read from it stay until it is read whole: {Reason}")]
    public static partial void SettingsFileNotRead(ILogger logger, string reason);

    [LoggerMessage(714, LogLevel.Debug, "Settings file still missing: {What}")]
    public static partial void SettingsFileStillMissing(ILogger logger, string what);

    [LoggerMessage(715, LogLevel.Warning, "Settings file not read, none of its settings are in force until it is read whole: {Reason}")]
    public static partial void SettingsFileNotReadNoneInForce(ILogger logger, string reason);
}
