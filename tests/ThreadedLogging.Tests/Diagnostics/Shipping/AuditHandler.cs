namespace ThreadedLogging.Tests.Diagnostics.Shipping;

/// <summary>An app's handler type named as one in another namespace (MetricsTests: each its own series).</summary>
internal sealed class AuditHandler(ILogBatchSink sink, ThreadedHandlerOptions options) : ThreadedHandler(sink, options);
