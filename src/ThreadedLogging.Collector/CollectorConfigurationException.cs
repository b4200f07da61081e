namespace ThreadedLogging.Collector;

/// <summary>The collector's configuration forbids starting; the message says what to change.</summary>
internal sealed class CollectorConfigurationException : Exception
{
    public CollectorConfigurationException()
    {
    }

    public CollectorConfigurationException(string message)
        : base(message)
    {
    }

    public CollectorConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
