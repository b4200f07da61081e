namespace ThreadedLogging.Tests.Diagnostics.Billing;

/// <summary>An app's handler type named as one in another namespace (MetricsTests: each its own series).</summary>
internal sealed class AuditHandler(ILogBatchSink sink, ThreadedHandlerOptions options) : ThreadedHandler(sink, options);

/// <summary>An app's generic handler type (MetricsTests: its series names the type argument without its assembly's version).</summary>
/// <typeparam name="T">Anything.</typeparam>
internal sealed class AuditHandler<T>(ILogBatchSink sink, ThreadedHandlerOptions options) : ThreadedHandler(sink, options);
