using System.Runtime.CompilerServices;

namespace ThreadedLogging;

/// <summary>
/// Replaces the values of sensitive properties before an event leaves the process, and the sensitive members of
/// destructured objects (<c>{@Login}</c>) and entries of dictionaries (<c>{Headers}</c>). Runs on the worker, before the message is rendered, so the rendered
/// message is redacted too.
/// </summary>
internal sealed class Redactor
{
    public const string Mask = "***";
    private const int MaxCachedNames = 4096;
    private readonly string[] _patterns;

    // Property names repeat (they come from templates): remember the verdict per name. The worker is
    // the only user, so a plain dictionary; bounded so that generated names cannot grow it forever.
    private readonly Dictionary<string, bool> _known = new(StringComparer.Ordinal);

    // In front of it, the verdict per name object: a queued record's names are the same string objects from event
    // to event (StringIds), so most lookups are a reference compare instead of hashing the name (issue 14: the
    // dictionary lookup was 2.3 % of the process's samples in a burst, with the default patterns).
    private readonly ReferenceKeyedCache<bool> _byReference;

    public Redactor(IEnumerable<string> patterns)
    {
        _patterns = [.. patterns.Select(Normalize).Where(p => p.Length > 0).Distinct()];
        _byReference = new ReferenceKeyedCache<bool>(Lookup);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsSensitive(string name) => _patterns.Length != 0 && _byReference.Get(name);

    private bool Lookup(string name)
    {
        if (_known.TryGetValue(name, out var known))
        {
            return known;
        }

        var sensitive = Match(name);
        if (_known.Count < MaxCachedNames)
        {
            _known[name] = sensitive;
        }

        return sensitive;
    }

    private bool Match(string name)
    {
        var normalized = Normalize(name);
        foreach (var pattern in _patterns)
        {
            if (normalized.Contains(pattern, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Apply(LogEvent logEvent)
    {
        var properties = logEvent.PropertySpan;
        KeyValuePair<string, object?>[]? copy = null;
        for (var i = 0; i < properties.Length; i++)
        {
            var (name, value) = properties[i];
            var replacement = IsSensitive(name) ? Mask : value is DestructuredValue or object?[] or Dictionary<string, object?> ? Redacted(value, 0) : null;
            if (replacement is not null)
            {
                copy ??= properties.ToArray();
                copy[i] = new KeyValuePair<string, object?>(name, replacement);
            }
        }

        if (copy is not null)
        {
            logEvent.ReplaceProperties(copy);
            if (logEvent.Template is not null)
            {
                logEvent.SetMessage(null); // a message given with its template (a buffered record's) shows the value: render it again, masked
            }
        }
    }

    /// <summary>
    /// A destructured value (<c>{@Login}</c>) or a dictionary (request headers) with its sensitive members or keys
    /// masked, at every level and in collections; null when nothing in it is sensitive.
    /// </summary>
    private object? Redacted(object? value, int depth)
    {
        if (depth > ValueFreezer.MaxDepth)
        {
            return null;
        }

        switch (value)
        {
            case DestructuredValue destructured:
                KeyValuePair<string, object?>[]? members = null;
                for (var i = 0; i < destructured.Count; i++)
                {
                    var (name, member) = destructured[i];
                    var replacement = name == DestructuredValue.TypeTag ? null : IsSensitive(name) ? Mask : Redacted(member, depth + 1);
                    if (replacement is not null)
                    {
                        members ??= [.. destructured];
                        members[i] = new KeyValuePair<string, object?>(name, replacement);
                    }
                }

                return members is null ? null : DestructuredValue.WithMembers(members);
            case Dictionary<string, object?> dictionary:
                Dictionary<string, object?>? entries = null;
                foreach (var (key, entry) in dictionary)
                {
                    if ((IsSensitive(key) ? Mask : Redacted(entry, depth + 1)) is { } replacement)
                    {
                        entries ??= CallerCulture.Copy(dictionary);
                        entries[key] = replacement;
                    }
                }

                return entries;
            case object?[] items:
                object?[]? copy = null;
                for (var i = 0; i < items.Length; i++)
                {
                    if (Redacted(items[i], depth + 1) is { } replacement)
                    {
                        copy ??= [.. items];
                        copy[i] = replacement;
                    }
                }

                return copy;
            default:
                return null;
        }
    }

    /// <summary>A name or pattern as they are compared: lower-cased letters and digits only.</summary>
    internal static string Normalize(string name)
    {
        Span<char> buffer = name.Length <= 128 ? stackalloc char[name.Length] : new char[name.Length];
        var n = 0;
        foreach (var c in name)
        {
            if (char.IsLetterOrDigit(c))
            {
                buffer[n++] = char.ToLowerInvariant(c);
            }
        }

        return new string(buffer[..n]);
    }
}
