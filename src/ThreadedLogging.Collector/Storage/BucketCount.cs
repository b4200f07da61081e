using Microsoft.Extensions.Logging;

namespace ThreadedLogging.Collector.Storage;

/// <summary>How many events of one level fall into one bucket of <see cref="TimeBuckets"/>.</summary>
internal readonly record struct BucketCount(int Bucket, LogLevel Level, long Count);
