namespace ThreadedLogging.Collector;

/// <summary>
/// Something the collector needs cannot be reached now (PostgreSQL down or still booting, a listen address in use or
/// not on this machine): exit code 3, where restarting may help (systemd's <c>Restart=on-failure</c>), unlike a
/// <see cref="CollectorConfigurationException"/> (exit code 2). The message is one line naming what was not reached.
/// </summary>
internal sealed class CollectorUnavailableException : Exception
{
    public CollectorUnavailableException()
    {
    }

    public CollectorUnavailableException(string message)
        : base(message)
    {
    }

    public CollectorUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
