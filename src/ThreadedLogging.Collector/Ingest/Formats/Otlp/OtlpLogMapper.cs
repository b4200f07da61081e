using System.Text.Json;
using Google.Protobuf;
using Google.Protobuf.Collections;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Collector.Ingest.Formats.Otlp.Proto;
using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Ingest.Formats.Otlp;

/// <summary>
/// Maps an OTLP logs export to events: resource attributes → identity (<see cref="IdentityPropertyOptions"/>:
/// <c>service.name</c>, <c>service.version</c>, <c>host.name</c>, <c>enduser.id</c>/<c>user.name</c>/<c>user.id</c>; a record's own
/// attribute wins unless it is a hole of the record's template), <c>service.instance.id</c> → instance, <c>process.pid</c>, the other resource attributes →
/// properties (<see cref="OtlpResource"/>), scope name → category, severity number (else text) → level, body →
/// message (a template whose holes name attributes is rendered from them, as MEL would), <c>message_template.text</c>
/// → template (Serilog's OpenTelemetry sink), <c>{OriginalFormat}</c> → template (OpenTelemetry .NET's
/// <c>IncludeFormattedMessage</c>: the body is the formatted message), the other attributes → properties,
/// <c>exception.*</c> → exception, trace and span ids, <c>observed_time_unix_nano</c> when <c>time_unix_nano</c> is 0.
/// A record that breaks a limit is left out and counted (OTLP partial success); the others are stored.
/// </summary>
internal sealed class OtlpLogMapper(IdentityPropertyOptions identity)
{
    private const int NoIndex = -1;

    public DecodedBatch Map(ExportLogsServiceRequest request, string path, string? batchKey, IngestLimits limits)
    {
        var total = 0;
        foreach (var resource in request.ResourceLogs)
        {
            foreach (var scope in resource.ScopeLogs)
            {
                total += scope.LogRecords.Count;
            }
        }

        limits.EventCount(total);
        var events = new List<NewEvent>(total);
        var rejected = 0;
        string? rejection = null;
        var index = 0;
        foreach (var resource in request.ResourceLogs)
        {
            var resourceOfRecords = new OtlpResource(resource.Resource?.Attributes ?? [], identity);
            foreach (var scope in resource.ScopeLogs)
            {
                foreach (var record in scope.LogRecords)
                {
                    // A malformed record fails the whole request (400); one that breaks a limit is left out and counted.
                    CheckId(record.TraceId, 16, "trace_id", index);
                    CheckId(record.SpanId, 8, "span_id", index);
                    try
                    {
                        events.Add(MapRecord(record, resourceOfRecords, scope.Scope?.Name, path, limits));
                    }
                    catch (IngestRejectedException e)
                    {
                        rejected++;
                        rejection ??= $"log record {index}: {e.Message}";
                    }

                    index++;
                }
            }
        }

        return new DecodedBatch(new EventBatch(batchKey, events), rejected, rejection);
    }

    private NewEvent MapRecord(LogRecord record, OtlpResource resource, string? scopeName, string path, IngestLimits limits)
    {
        limits.EventSize(record.CalculateSize() + resource.Size, NoIndex);
        var nanos = record.TimeUnixNano != 0 ? record.TimeUnixNano : record.ObservedTimeUnixNano;
        var timestamp = nanos != 0 ? DateTimeOffset.UnixEpoch.AddTicks((long)(nanos / 100)) : limits.Now;
        var (message, template) = Message(record, limits.Options.MaxEventBytes);
        var time = limits.Timestamp(timestamp, NoIndex);
        var ids = default(OtlpIdentity);
        ids[IdentityPropertyOptions.UserKind] = First(record.Attributes, resource.Attributes, identity.UserNames, template);
        ids[IdentityPropertyOptions.AppKind] = First(record.Attributes, resource.Attributes, identity.AppNames, template);
        ids[IdentityPropertyOptions.VersionKind] = First(record.Attributes, resource.Attributes, identity.VersionNames, template);
        ids[IdentityPropertyOptions.MachineKind] = First(record.Attributes, resource.Attributes, identity.MachineNames, template);
        return new NewEvent
        {
            Timestamp = time.Stored,
            Level = Level(record),
            Category = limits.Field(string.IsNullOrEmpty(scopeName) ? null : scopeName, "scope name", NoIndex),
            Message = message,
            Template = template,
            ExceptionJson = ExceptionJson(record.Attributes),
            PropertiesJson = time.WithClientTime(PropertiesJson(record, resource, ids)),
            ContextJson = ContextJson(record, resource, limits, out var traceId),
            TraceId = traceId,
            App = limits.App(ids[IdentityPropertyOptions.AppKind], "app", NoIndex),
            Version = limits.Version(ids[IdentityPropertyOptions.VersionKind], "version", NoIndex),
            User = limits.User(ids[IdentityPropertyOptions.UserKind] ?? PathUser.From(path), "user", NoIndex),
            Machine = limits.Machine(ids[IdentityPropertyOptions.MachineKind], "machine", NoIndex),
            Path = path,
            InstanceId = limits.Instance(resource.InstanceId, OtlpResource.InstanceIdKey, NoIndex),
        };
    }

    /// <summary>
    /// The record's attributes, then the resource's that no field of the event holds (<see cref="OtlpResource.WriteProperties"/>);
    /// none (not <c>{}</c>) when its only attributes are the exception's or the template's.
    /// </summary>
    private static string? PropertiesJson(LogRecord record, OtlpResource resource, in OtlpIdentity identity)
    {
        if (!OtlpValues.AnyRecordProperty(record.Attributes) && resource.AddsNoProperties(identity))
        {
            return null;
        }

        return JsonText.Write((record.Attributes, resource, identity), static (json, state) =>
        {
            json.WriteStartObject();
            OtlpValues.WriteMembers(json, state.Attributes, recordAttributes: true);
            state.resource.WriteProperties(json, state.Attributes, state.identity);
            json.WriteEndObject();
        });
    }

    /// <summary>OTLP severity numbers: 1–4 TRACE, 5–8 DEBUG, 9–12 INFO, 13–16 WARN, 17–20 ERROR, 21–24 FATAL.</summary>
    private static LogLevel Level(LogRecord record) => (int)record.SeverityNumber switch
    {
        >= 21 => LogLevel.Critical,
        >= 17 => LogLevel.Error,
        >= 13 => LogLevel.Warning,
        >= 9 => LogLevel.Information,
        >= 5 => LogLevel.Debug,
        >= 1 => LogLevel.Trace,
        _ => LevelNames.TryParse(record.SeverityText, out var level) ? level : LogLevel.Information,
    };

    private static (string Message, string? Template) Message(LogRecord record, int maxLength)
    {
        if (record.Body?.ValueCase != AnyValue.ValueOneofCase.StringValue)
        {
            return (OtlpValues.Text(record.Body) ?? string.Empty, null);
        }

        // OpenTelemetry .NET sends MEL's template as the body and its values as attributes; with IncludeFormattedMessage the
        // body is the formatted message and the template the attribute {OriginalFormat}. Serilog's OpenTelemetry sink sends
        // the rendered message and the template in message_template.text.
        var body = record.Body.StringValue;
        if (OtlpValues.Find(record.Attributes, OtlpValues.OriginalFormat) is { ValueCase: AnyValue.ValueOneofCase.StringValue } originalFormat)
        {
            return (body, originalFormat.StringValue);
        }

        return MelTemplateRenderer.TryRender(body, record.Attributes, maxLength, out var rendered) ? (rendered, body)
            : (body, OtlpValues.Text(OtlpValues.Find(record.Attributes, OtlpValues.MessageTemplateText)));
    }

    /// <summary>
    /// The first of <paramref name="names"/> with a value (in any ASCII case, the case written first:
    /// <see cref="OtlpValues.FindIdentity"/>) among the record's own attributes, else among the resource's: the record's is
    /// the more specific (a record's <c>user.id</c> is its user, not the resource's <c>enduser.id</c>). A record attribute
    /// that is a hole of its <paramref name="template"/> comes last, as in CLEF: OpenTelemetry .NET and Serilog's sink send
    /// every hole as an attribute, and "Restarting {ApplicationName} on {machineName}" names what the message is about, not
    /// the app or the machine that logged it (the resource's <c>service.name</c> and <c>host.name</c>).
    /// </summary>
    private static string? First(RepeatedField<KeyValue> own, RepeatedField<KeyValue> resource, IReadOnlyList<string> names, string? template) =>
        FirstOf(own, names, template, holes: false) ?? FirstOf(resource, names, null, holes: false) ?? FirstOf(own, names, template, holes: true);

    private static string? FirstOf(RepeatedField<KeyValue> attributes, IReadOnlyList<string> names, string? template, bool holes)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (OtlpValues.FindIdentity(attributes, names[i], template, holes) is { } found)
            {
                return found.Text;
            }
        }

        return null;
    }

    private static string? ExceptionJson(RepeatedField<KeyValue> attributes)
    {
        var type = OtlpValues.Text(OtlpValues.Find(attributes, "exception.type"));
        var message = OtlpValues.Text(OtlpValues.Find(attributes, "exception.message"));
        var stack = OtlpValues.Text(OtlpValues.Find(attributes, "exception.stacktrace"));
        if (type is null && message is null && stack is null)
        {
            return null;
        }

        // OpenTelemetry .NET puts Exception.ToString() in exception.stacktrace: read it back for the stack and inner exceptions.
        if (stack is not null && DotNetExceptionText.LooksLikeDotNet(stack))
        {
            return DotNetExceptionText.ToJson(stack);
        }

        return JsonText.Write((type, message, stack), static (json, e) =>
        {
            json.WriteStartObject();
            json.WriteString("type", e.type);
            json.WriteString("message", e.message);
            if (e.stack is not null)
            {
                json.WriteString("stackTrace", e.stack);
            }

            json.WriteString("text", e.stack ?? (e.message is null ? e.type : $"{e.type}: {e.message}"));
            json.WriteEndObject();
        });
    }

    private static string? ContextJson(LogRecord record, OtlpResource resource, IngestLimits limits, out string? traceId)
    {
        traceId = Id(record.TraceId);
        var spanId = Id(record.SpanId);
        var eventName = limits.Field(string.IsNullOrEmpty(record.EventName) ? null : record.EventName, "event_name", NoIndex);
        var pid = resource.ProcessId;
        if (traceId is null && spanId is null && eventName is null && pid is null)
        {
            return null;
        }

        return JsonText.Write((traceId, spanId, eventName, pid), static (json, c) =>
        {
            json.WriteStartObject();
            if (c.eventName is not null)
            {
                json.WriteString("eventName", c.eventName);
            }

            if (c.traceId is not null)
            {
                json.WriteString("traceId", c.traceId);
            }

            if (c.spanId is not null)
            {
                json.WriteString("spanId", c.spanId);
            }

            if (c.pid is { } processId)
            {
                json.WriteNumber("processId", processId);
            }

            json.WriteEndObject();
        });
    }

    /// <summary>A W3C id as lowercase hex; empty or all zero = none.</summary>
    private static string? Id(ByteString bytes) =>
        bytes.IsEmpty || !bytes.Span.ContainsAnyExcept((byte)0) ? null : Convert.ToHexStringLower(bytes.Span);

    private static void CheckId(ByteString bytes, int length, string name, int index)
    {
        if (!bytes.IsEmpty && bytes.Length != length)
        {
            throw IngestRejectedException.BadRequest($"log record {index}: {name} is {bytes.Length} bytes; it must be {length} (or empty)");
        }
    }
}
