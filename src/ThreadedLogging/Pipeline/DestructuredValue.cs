using System.Collections;

namespace ThreadedLogging;

/// <summary>
/// An object logged under a name that starts with <c>@</c> (<c>{@Order}</c>, Serilog's destructuring operator): its
/// public properties as they were at the call, written as a JSON object, and its text, with which the message is
/// rendered (MEL fills the hole with <see cref="object.ToString"/>).
/// </summary>
internal sealed class DestructuredValue(string text, KeyValuePair<string, object?>[] properties) : IReadOnlyList<KeyValuePair<string, object?>>
{
    /// <summary>The name of the property that carries the type's name, as Serilog writes it.</summary>
    public const string TypeTag = "$type";

    public int Count => properties.Length;

    public KeyValuePair<string, object?> this[int index] => properties[index];

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object?>>)properties).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>
    /// A value with other members (redaction), whose text is made from them as a record or an anonymous type writes
    /// itself (<c>Login { User = ann, Password = *** }</c>): the object's own text may show what was replaced.
    /// </summary>
    public static DestructuredValue WithMembers(KeyValuePair<string, object?>[] members)
    {
        var type = members.FirstOrDefault(member => member.Key == TypeTag).Value as string;
        var body = string.Join(", ", members.Where(member => member.Key != TypeTag).Select(member => $"{member.Key} = {MessageTemplate.FormatValue(member.Value)}"));
        return new DestructuredValue(type is null ? $"{{ {body} }}" : $"{type} {{ {body} }}", members);
    }

    /// <summary>The object's text at the call.</summary>
    public override string ToString() => text;
}
