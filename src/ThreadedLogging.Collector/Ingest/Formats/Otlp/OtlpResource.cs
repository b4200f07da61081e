using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Google.Protobuf.Collections;
using ThreadedLogging.Collector.Ingest.Formats.Otlp.Proto;

namespace ThreadedLogging.Collector.Ingest.Formats.Otlp;

/// <summary>
/// One <c>ResourceLogs</c>' resource, read once for all of its records: the identity it gives on its own
/// (<see cref="IdentityPropertyOptions"/>), the process instance (<c>service.instance.id</c>) and pid, and every other
/// attribute (<c>deployment.environment.name</c>, <c>service.namespace</c>, <c>telemetry.sdk.*</c>, an
/// <c>OTEL_RESOURCE_ATTRIBUTES</c> entry), which each record keeps as a top-level property under its own name. Those
/// are encoded once here: a record copies their bytes, so a resource costs each event its stored bytes, not a rendering.
/// </summary>
internal sealed class OtlpResource
{
    /// <summary>The attribute that names the process instance (OpenTelemetry's <c>AddService</c> sets a GUID by default).</summary>
    public const string InstanceIdKey = "service.instance.id";

    /// <summary>The attribute that carries the process id.</summary>
    public const string ProcessIdKey = "process.pid";

    private static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    private readonly (string Key, JsonEncodedText Name, byte[] Value)[] _kept;

    // Per identity kind (IdentityPropertyOptions.UserKind…): the attribute the resource alone gives it, or null.
    private readonly Choice?[] _identity;

    public OtlpResource(RepeatedField<KeyValue> attributes, IdentityPropertyOptions identity)
    {
        Attributes = attributes;
        for (var i = 0; i < attributes.Count; i++)
        {
            Size += attributes[i].CalculateSize();
        }

        InstanceId = OtlpValues.Text(OtlpValues.Find(attributes, InstanceIdKey)) is { Length: > 0 } instance ? instance : null;
        ProcessId = OtlpValues.Find(attributes, ProcessIdKey) is { ValueCase: AnyValue.ValueOneofCase.IntValue } pid ? pid.IntValue : null;
        _identity = new Choice?[4];
        _identity[IdentityPropertyOptions.UserKind] = Choose(attributes, identity.UserNames);
        _identity[IdentityPropertyOptions.AppKind] = Choose(attributes, identity.AppNames);
        _identity[IdentityPropertyOptions.VersionKind] = Choose(attributes, identity.VersionNames);
        _identity[IdentityPropertyOptions.MachineKind] = Choose(attributes, identity.MachineNames);
        var kept = new List<(string, JsonEncodedText, byte[])>();
        for (var i = 0; i < attributes.Count; i++)
        {
            var key = attributes[i].Key;
            if (!IsStoredElsewhere(key))
            {
                kept.Add(Encode(attributes[i]));
            }
        }

        _kept = [.. kept];
    }

    public RepeatedField<KeyValue> Attributes { get; }

    /// <summary>
    /// Gets the attributes' encoded size: each record carries them (as properties or identity), so each record's size limit
    /// counts them too. Without that, one request with a 9 MiB attribute and 10,000 small records made 90 GB of properties.
    /// </summary>
    public long Size { get; }

    /// <summary>Gets <c>service.instance.id</c> (the event's instance), or null.</summary>
    public string? InstanceId { get; }

    /// <summary>Gets <c>process.pid</c> when it is an integer (the context's <c>processId</c>), or null.</summary>
    public long? ProcessId { get; }

    /// <summary>
    /// Whether the event keeps no resource attribute as a property: none is left besides identity, instance and pid, and
    /// the record's own identity (<paramref name="identity"/>, by kind) took none of the resource's place.
    /// </summary>
    public bool AddsNoProperties(ReadOnlySpan<string?> identity) => _kept.Length == 0 && Overridden(identity) == 0;

    /// <summary>
    /// Writes the resource's attributes as properties (after the record's own, in the object <paramref name="json"/> is
    /// writing): those not stored in fields of their own, and an identity attribute whose field the record's own
    /// attribute took (the event's <paramref name="identity"/> by kind differs from the resource's), so no value is lost.
    /// A record attribute of the same name wins, as it does for identity.
    /// </summary>
    public void WriteProperties(Utf8JsonWriter json, RepeatedField<KeyValue> record, ReadOnlySpan<string?> identity)
    {
        for (var i = 0; i < _kept.Length; i++)
        {
            var (key, name, value) = _kept[i];
            if (OtlpValues.Find(record, key) is null)
            {
                json.WritePropertyName(name);
                json.WriteRawValue(value, skipInputValidation: true);
            }
        }

        var overridden = Overridden(identity);
        for (var kind = 0; overridden != 0; kind++, overridden >>= 1)
        {
            if ((overridden & 1) != 0 && _identity[kind] is { } choice && OtlpValues.Find(record, choice.Attribute.Key) is null)
            {
                json.WritePropertyName(choice.Attribute.Key);
                OtlpValues.Write(json, choice.Attribute.Value);
            }
        }
    }

    /// <summary>The identity kinds (bits by <see cref="IdentityPropertyOptions.UserKind"/>…) whose resource attribute did not become the field.</summary>
    private int Overridden(ReadOnlySpan<string?> identity)
    {
        var bits = 0;
        for (var kind = 0; kind < _identity.Length; kind++)
        {
            if (_identity[kind] is { } choice && !string.Equals(choice.Value, identity[kind], StringComparison.Ordinal))
            {
                bits |= 1 << kind;
            }
        }

        return bits;
    }

    private bool IsStoredElsewhere(string key)
    {
        if ((key == InstanceIdKey && InstanceId is not null) || (key == ProcessIdKey && ProcessId is not null))
        {
            return true;
        }

        foreach (var choice in _identity)
        {
            if (choice is not null && key == choice.Attribute.Key)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The first name with a value that is not empty (in any ASCII case, the case written first), as <see cref="OtlpLogMapper"/> reads identity.</summary>
    private static Choice? Choose(RepeatedField<KeyValue> attributes, IReadOnlyList<string> names)
    {
        for (var n = 0; n < names.Count; n++)
        {
            if (OtlpValues.FindIdentity(attributes, names[n]) is { } found)
            {
                return new Choice(found.Attribute, found.Text);
            }
        }

        return null;
    }

    private static (string, JsonEncodedText, byte[]) Encode(KeyValue attribute)
    {
        var value = JsonText.Write(attribute.Value, static (json, v) => OtlpValues.Write(json, v));
        return (attribute.Key, JsonEncodedText.Encode(attribute.Key, Encoder), Encoding.UTF8.GetBytes(value));
    }

    private sealed record Choice(KeyValue Attribute, string Value);
}
