using System.Globalization;
using System.Text.Json;

namespace ThreadedLogging;

/// <summary>
/// The deployment record of an app tested or deployed through CloudLaunch (the seed's <c>get_cloud_record</c>):
/// who published it, its name and revision, and the keys and region its logs are sent with.
/// </summary>
public sealed class CloudRecord
{
    /// <summary>Gets the author (publisher) of the app.</summary>
    public required string Author { get; init; }

    /// <summary>Gets the name of the app.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the deployed revision.</summary>
    public int Revision { get; init; }

    /// <summary>Gets the public access key (AWS access key id).</summary>
    public required string PublicAccessKey { get; init; }

    /// <summary>Gets the secret access key.</summary>
    public required string SecretKey { get; init; }

    /// <summary>Gets the AWS region of the logging queue, or <see langword="null"/> for the SDK's default.</summary>
    public string? Region { get; init; }

    /// <summary>Gets the logging queue of the app: <c>cloudlaunch-{author}-{name}-logging</c>, made valid for SQS.</summary>
    /// <exception cref="ArgumentException">Author or name cannot make a valid queue name; the message names the field.</exception>
    public string QueueName => SqsQueueName.ForCloudLaunch(Author, Name);

    /// <summary>Reads a record from a JSON file.</summary>
    /// <param name="path">The file: an object with <c>author</c>, <c>name</c>, <c>revision</c>, <c>public_access_key</c>,
    /// <c>secret_key</c> and <c>region</c> (names match case-insensitively, with or without underscores).</param>
    /// <returns>The record.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not such a JSON object; the message names the missing or bad field.</exception>
    public static CloudRecord Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Reads a record from JSON text.</summary>
    /// <param name="json">The JSON object.</param>
    /// <returns>The record.</returns>
    /// <exception cref="InvalidDataException">The text is not such a JSON object; the message names the missing or bad field.</exception>
    public static CloudRecord Parse(string json) => Parse(json, "the cloud record");

    private static CloudRecord Parse(string json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source} is not valid JSON: {e.Message}", e);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"{source} must be a JSON object (was {document.RootElement.ValueKind}).");
            }

            var fields = new Dictionary<string, JsonElement>(StringComparer.OrdinalIgnoreCase);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                fields[property.Name.Replace("_", string.Empty, StringComparison.Ordinal).Replace("-", string.Empty, StringComparison.Ordinal)] = property.Value;
            }

            return new CloudRecord
            {
                Author = Required(fields, source, "author"),
                Name = Required(fields, source, "name"),
                Revision = ParseRevision(fields, source),
                PublicAccessKey = Required(fields, source, "public_access_key", "access_key"),
                SecretKey = Required(fields, source, "secret_key", "secret_access_key", "private_access_key"),
                Region = Optional(fields, source, "region"),
            };
        }
    }

    private static string Required(Dictionary<string, JsonElement> fields, string source, params string[] names) =>
        Optional(fields, source, names) is { Length: > 0 } value
            ? value
            : throw new InvalidDataException($"{source} has no '{names[0]}' (a non-empty string).");

    private static string? Optional(Dictionary<string, JsonElement> fields, string source, params string[] names)
    {
        foreach (var name in names)
        {
            if (fields.TryGetValue(name.Replace("_", string.Empty, StringComparison.Ordinal), out var value) && value.ValueKind != JsonValueKind.Null)
            {
                return value.ValueKind == JsonValueKind.String
                    ? value.GetString()
                    : throw new InvalidDataException($"{source}: '{names[0]}' must be a string (was {value.ValueKind}).");
            }
        }

        return null;
    }

    private static int ParseRevision(Dictionary<string, JsonElement> fields, string source)
    {
        if (!fields.TryGetValue("revision", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return 0;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number))
        {
            return number;
        }

        if (value.ValueKind == JsonValueKind.String && int.TryParse(value.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out number))
        {
            return number;
        }

        throw new InvalidDataException($"{source}: 'revision' must be an integer (was {value}).");
    }
}
