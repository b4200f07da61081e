using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using ThreadedLogging.Collector.Responses;
using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Query;

/// <summary>
/// <c>GET /api/events/top</c>: the most frequent values of one field (user, app, version, machine, category, message template) among the
/// events the filters of <c>/api/events</c> select — "which users hit this error, on which versions" (docs/QUERY.md).
/// </summary>
internal static class TopValuesApi
{
    public const int DefaultCount = 10;
    public const int MaxCount = 100;

    /// <summary>The filters of <c>/api/events</c> (not its paging: <c>limit</c>, <c>before</c>), <c>field</c> and <c>count</c>.</summary>
    public static readonly string[] Known = [.. EventQueryParser.Known.Where(name => name is not ("limit" or "before")), "field", "count"];

    private static readonly Dictionary<string, EventField> Fields = new(StringComparer.OrdinalIgnoreCase)
    {
        ["user"] = EventField.User,
        ["app"] = EventField.App,
        ["version"] = EventField.Version,
        ["machine"] = EventField.Machine,
        ["category"] = EventField.Category,
        ["template"] = EventField.Template,
    };

    public static async Task<Results<Ok<TopValuesResponse>, JsonHttpResult<ErrorResponse>>> GetAsync(
        HttpRequest request, IEventStore store, CollectorOptions options, CancellationToken cancellationToken)
    {
        if (!EventQueryParser.TryParse(request.Query, options.MaxQueryLimit, out var query, out var error))
        {
            return ErrorResults.Create(StatusCodes.Status400BadRequest, error);
        }

        var name = QueryStringRules.Get(request.Query, "field");
        if (name is null || !Fields.TryGetValue(name, out var field))
        {
            return ErrorResults.Create(
                StatusCodes.Status400BadRequest,
                name is null ? $"parameter 'field' is required ({FieldNames})" : $"parameter 'field' must be one of {FieldNames} (was '{name}')");
        }

        var count = DefaultCount;
        if (!QueryStringRules.TryCount(request.Query, "count", MaxCount, ref count, out error))
        {
            return ErrorResults.Create(StatusCodes.Status400BadRequest, error);
        }

        return TypedResults.Ok(ToResponse(field, await store.CountByValueAsync(query, field, count, cancellationToken)));
    }

    /// <summary>The names of the fields, as the reasons of a 400 list them.</summary>
    public static string FieldNames => string.Join(", ", Fields.Keys);

    /// <summary>Reads a field's name (any case), as <c>field</c> takes it.</summary>
    public static bool TryParseField(string name, out EventField field) => Fields.TryGetValue(name, out field);

    /// <summary>The body for the top values of <paramref name="field"/>.</summary>
    public static TopValuesResponse ToResponse(EventField field, ValueCounts counts) => new(
        Fields.First(f => f.Value == field).Key,
        counts.Total,
        counts.Distinct,
        counts.WithoutValue,
        [.. counts.Values.Select(v => new TopValueDto(v.Value, v.Count, v.Errors, v.Newest, v.Oldest, v.App, v.Version))]);
}

/// <summary>
/// Body of <c>GET /api/events/top</c>: the field, the events the filters select, how many distinct values they have
/// (the events without a value, if any, one of them), how many events have no value (0 when every event has one; the
/// null value's count also when it is not among the values returned), and the most frequent values, most events first.
/// </summary>
internal sealed record TopValuesResponse(string Field, long Total, long Distinct, long WithoutValue, IReadOnlyList<TopValueDto> Values);

/// <summary>
/// One value (null: the events without one), its events, how many of them are Error or Critical, and the newest and the
/// oldest one's time (a version's oldest: since when the selected events occur in it, "since which version"). A version's value is a label ("Shop 2.4.1"); its <c>app</c> and <c>version</c> apart are what the filters of
/// those names take (each left out when the events have none, and on every other field).
/// </summary>
internal sealed record TopValueDto(
    string? Value,
    long Count,
    long Errors,
    DateTimeOffset Newest,
    DateTimeOffset Oldest,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? App = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Version = null);
