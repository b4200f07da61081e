using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using ThreadedLogging.Collector.Diagnostics;

namespace ThreadedLogging.Collector.Tests.Diagnostics;

/// <summary>
/// Listens, with the runtime's own <see cref="MeterListener"/>, to the metrics of one collector: only the meter its
/// <see cref="IMeterFactory"/> created, so collectors of other tests running in parallel are not counted.
/// </summary>
internal sealed class MetricsRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)> _measurements = new();
    private readonly ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)> _observed = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _waits = new();

    public MetricsRecorder(IServiceProvider services)
    {
        var factory = services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == CollectorMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, factory))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>Every measurement of <paramref name="instrument"/> so far whose tags include <paramref name="tags"/>, summed.</summary>
    public double Sum(string instrument, params (string Key, object? Value)[] tags) =>
        Matching(_measurements, instrument, tags).Sum(m => m.Value);

    /// <summary>How many measurements of the (not observable) <paramref name="instrument"/> so far have <paramref name="tags"/>.</summary>
    public int Count(string instrument, params (string Key, object? Value)[] tags) => Matching(_measurements, instrument, tags).Count();

    /// <summary>The observable instruments' values now, with <paramref name="tags"/> (a fresh reading, not a sum over time).</summary>
    public double Observe(string instrument, params (string Key, object? Value)[] tags)
    {
        _observed.Clear();
        _listener.RecordObservableInstruments();
        return Matching(_observed, instrument, tags).Sum(m => m.Value);
    }

    /// <summary>Completes at the first measurement of <paramref name="instrument"/> (waits for an event, not for time).</summary>
    public Task Next(string instrument) => _waits.GetOrAdd(instrument, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public void Dispose() => _listener.Dispose();

    private void Add<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        where T : struct
    {
        var copied = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            copied[tag.Key] = tag.Value;
        }

        (instrument.IsObservable ? _observed : _measurements).Enqueue((instrument.Name, Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture), copied));
        _waits.GetOrAdd(instrument.Name, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    private static IEnumerable<(string Instrument, double Value, Dictionary<string, object?> Tags)> Matching(
        IEnumerable<(string Instrument, double Value, Dictionary<string, object?> Tags)> measurements, string instrument, (string Key, object? Value)[] tags) =>
        measurements.Where(m => m.Instrument == instrument && tags.All(t => m.Tags.TryGetValue(t.Key, out var v) && Equals(v, t.Value)));
}
