namespace ThreadedLogging.Collector.Ingest.Formats.Otlp.Grpc;

/// <summary>OTLP/gRPC ingest, off unless <c>Collector:OtlpGrpcPort</c> is set.</summary>
/// <param name="Port">The port OTLP/gRPC (HTTP/2 without TLS) is served on, beside the collector's own URLs.</param>
internal sealed record OtlpGrpcOptions(int Port)
{
    /// <summary>The configuration key.</summary>
    public const string PortKey = "Collector:OtlpGrpcPort";

    /// <summary>Reads the port; null when OTLP/gRPC is off.</summary>
    /// <exception cref="CollectorConfigurationException">The port is not a number from 1 to 65535.</exception>
    public static OtlpGrpcOptions? Bind(IConfiguration configuration)
    {
        var text = configuration[PortKey];
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        return int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535
            ? new OtlpGrpcOptions(port)
            : throw new CollectorConfigurationException($"Invalid collector configuration: {PortKey} must be a port from 1 to 65535 (was '{text}').");
    }
}
