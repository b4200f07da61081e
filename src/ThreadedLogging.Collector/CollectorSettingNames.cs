using System.Reflection;
using ThreadedLogging.Collector.Ingest.Formats;
using ThreadedLogging.Collector.Ingest.Formats.Clef;
using ThreadedLogging.Collector.Ingest.Sqs;

namespace ThreadedLogging.Collector;

/// <summary>
/// Refuses a key under <c>Collector</c> that names no setting (as the client's options do): the binder skips it without a
/// word, so a misspelt <c>Collector:Retention:MaxAgee=3650.00:00:00</c> kept the default 30 days and removed what the
/// operator meant to keep, and <c>Collector:Sqs:Queues:0:Nmae</c> left a queue undrained.
/// </summary>
internal static class CollectorSettingNames
{
    /// <summary>The sections under <c>Collector</c> that other parts bind (and the one key read on its own).</summary>
    private static readonly Dictionary<string, Type?> Siblings = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Sqs"] = typeof(SqsIngestOptions),
        ["Identity"] = typeof(IdentityPropertyOptions),
        ["Clef"] = typeof(ClefOptions),
        ["OtlpGrpcPort"] = null,
    };

    /// <summary>Adds a reason for each key under <c>Collector</c> that names no setting.</summary>
    public static void Check(IConfigurationSection collector, List<string> errors)
    {
        foreach (var child in collector.GetChildren())
        {
            if (Siblings.TryGetValue(child.Key, out var type))
            {
                if (type is not null && !string.IsNullOrEmpty(child.Value))
                {
                    errors.Add(SingleValueGiven(child.Path, type, isList: false));
                }
                else if (type is not null)
                {
                    CheckSection(child, type, errors);
                }
            }
            else
            {
                CheckChild(child, typeof(CollectorOptions), errors);
            }
        }
    }

    private static void CheckSection(IConfigurationSection section, Type type, List<string> errors)
    {
        foreach (var child in section.GetChildren())
        {
            CheckChild(child, type, errors);
        }
    }

    private static void CheckChild(IConfigurationSection child, Type type, List<string> errors)
    {
        var property = type.GetProperty(child.Key, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
        if (property is null || property.SetMethod?.IsPublic != true)
        {
            var names = Settings(type).Select(p => p.Name);
            if (type == typeof(CollectorOptions))
            {
                names = names.Concat(Siblings.Keys);
            }

            errors.Add($"{child.Path} is not a setting ({string.Join(", ", names)}).");
            return;
        }

        var valueType = property.PropertyType;
        if (valueType.IsGenericType && valueType.GetGenericTypeDefinition() == typeof(Dictionary<,>))
        {
            return; // its keys are the user's (a header's name), not settings
        }

        if (child.Value is null && (valueType == typeof(string) || Scalar(valueType) is not null) && child.GetChildren().FirstOrDefault() is { } given)
        {
            // A text given as a list (two read keys, ReadApiKey:0=…) made the binder throw "Cannot create instance of type
            // 'System.String'", naming nothing; a duration or number given as a section (Retention:MaxAge:days=7) was skipped.
            var plural = type.GetProperty(property.Name + "s", BindingFlags.Public | BindingFlags.Instance) is not null ? $" (several: {child.Path}s:0=…, {child.Path}s:1=…)" : string.Empty;
            errors.Add($"{child.Path} takes one value, not a list or a section ({given.Path} was given): write {child.Path}=…{plural}.");
            return;
        }

        var isList = valueType.IsGenericType && valueType.GetGenericTypeDefinition() == typeof(List<>);
        var isTextList = isList && valueType.GetGenericArguments()[0] == typeof(string); // read as comma-separated where bound
        if (!string.IsNullOrEmpty(child.Value) && !isTextList && (isList || (valueType.IsClass && valueType != typeof(string))))
        {
            // The binder skips a single value given to a list of sections or a section: Sqs:Queues=logs drained nothing.
            errors.Add(SingleValueGiven(child.Path, valueType, isList));
            return;
        }

        if (child.Value is { } value && Scalar(valueType) is { } scalar && !Converts(valueType, value))
        {
            errors.Add($"{child.Path} is '{value}', which is not {ValidValues.Describe(scalar)}.");
            return;
        }

        if (isList)
        {
            var item = valueType.GetGenericArguments()[0];
            if (item.IsClass && item != typeof(string))
            {
                foreach (var element in child.GetChildren())
                {
                    CheckSection(element, item, errors);
                }
            }
        }
        else if (valueType.IsClass && valueType != typeof(string))
        {
            CheckSection(child, valueType, errors);
        }
    }

    private static string SingleValueGiven(string path, Type valueType, bool isList)
    {
        if (!isList)
        {
            var first = Settings(valueType).FirstOrDefault()?.Name ?? "…";
            return $"{path} is a section: a single value is not read; give its settings ({path}:{first}=…).";
        }

        var item = valueType.GetGenericArguments()[0];
        var example = item.IsClass && item != typeof(string)
            ? $"{path}:0:{Settings(item).FirstOrDefault()?.Name ?? "…"}=…"
            : $"{path}:0=…, {path}:1=…";
        return $"{path} is a list: a single value is not read; give each item its index ({example}; in the environment "
            + $"{path.Replace(":", "__", StringComparison.Ordinal)}__0…), or a JSON array in appsettings.json.";
    }

    /// <summary>The type a single value of <paramref name="type"/> is converted to (a nullable's underlying one), null for text and sections.</summary>
    private static Type? Scalar(Type type)
    {
        var scalar = Nullable.GetUnderlyingType(type) ?? type;
        return scalar == typeof(string) || (scalar.IsClass && scalar != typeof(Uri)) || scalar.IsInterface ? null : scalar;
    }

    /// <summary>Whether the binder can convert <paramref name="value"/> (it uses the type's converter, invariant culture; a nullable's takes "").</summary>
    private static bool Converts(Type type, string value)
    {
        try
        {
            _ = System.ComponentModel.TypeDescriptor.GetConverter(type).ConvertFromInvariantString(value);
            return true;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or OverflowException or NotSupportedException || e.InnerException is FormatException or OverflowException)
        {
            return false;
        }
    }

    /// <summary>A type's settings: its public properties the binder sets (a private setter is a computed value, not one).</summary>
    private static IEnumerable<PropertyInfo> Settings(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod?.IsPublic == true);
}
