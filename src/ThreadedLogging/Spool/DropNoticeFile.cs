using System.Runtime.InteropServices;
using System.Text.Json;

namespace ThreadedLogging;

/// <summary>
/// The spool's drop notice not yet in a record (<see cref="SpoolDrops"/>), kept on disk beside the segments: <c>drops.json</c>
/// in the process's spool directory, <c>{"batchId": "…", "drops": [{"reason": "Full", "count": 250, "first": "…", "last": "…"}]}</c>.
/// A cap's notice is held in memory while that cap drops (written to a full spool it would be the next record dropped), so
/// an app that quits offline lost it, and the collector never heard of the drops. Written whole to a temporary file and
/// renamed over it (a crash leaves the old one or the new one), once per batch moved at most; the next start that adopts
/// the directory writes its notices as a record of its own spool under <see cref="Content.BatchId"/>, then deletes the
/// file: a crash between the two sends the notice twice under one batch id, which the collector stores once.
/// </summary>
internal static partial class DropNoticeFile
{
    /// <summary>The file's name in a spool directory.</summary>
    public const string Name = "drops.json";

    private const string TemporaryName = "drops.json.tmp";

    /// <summary>The notice's batch id and what it counts by reason.</summary>
    public sealed record Content(string BatchId, IReadOnlyList<Entry> Drops);

    /// <summary>What one reason dropped: how many events, when the first and the last drop were.</summary>
    public sealed record Entry(SpoolDropReason Reason, long Count, DateTimeOffset First, DateTimeOffset Last);

    /// <summary>Whether <paramref name="directory"/> holds a notice (or a temporary one a crash left); false when it cannot be read.</summary>
    public static bool IsIn(string directory)
    {
        try
        {
            return File.Exists(Path.Combine(directory, Name)) || File.Exists(Path.Combine(directory, TemporaryName));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Writes <paramref name="content"/> into <paramref name="directory"/>, replacing the file whole.</summary>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Write(string directory, Content content)
    {
        var temporary = Path.Combine(directory, TemporaryName);
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            using (var writer = new Utf8JsonWriter(stream))
            {
                writer.WriteStartObject();
                writer.WriteString("batchId", content.BatchId);
                writer.WriteStartArray("drops");
                foreach (var entry in content.Drops)
                {
                    writer.WriteStartObject();
                    writer.WriteString("reason", entry.Reason.ToString());
                    writer.WriteNumber("count", entry.Count);
                    writer.WriteString("first", entry.First);
                    writer.WriteString("last", entry.Last);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, Path.Combine(directory, Name), overwrite: true);
        SyncDirectory(directory); // the rename itself is durable only once the directory is
    }

    /// <summary>
    /// Forces the entries of <paramref name="directory"/> (a rename into it) onto the disk: on Linux and macOS an
    /// <c>fsync</c> of the directory, which .NET cannot open as a file; elsewhere nothing (NTFS journals its metadata).
    /// A directory that cannot be opened is passed over (the rename is done: only its durability across a power cut is
    /// not vouched for), and so is a file system that cannot sync one (<c>EINVAL</c>).
    /// </summary>
    /// <exception cref="IOException">The sync failed.</exception>
    private static void SyncDirectory(string directory)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return;
        }

        int descriptor;
        try
        {
            descriptor = OpenReadOnly(directory, 0); // O_RDONLY
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return;
        }

        if (descriptor < 0)
        {
            return;
        }

        try
        {
            if (Fsync(descriptor) != 0 && Marshal.GetLastPInvokeError() is var error && error != EInval)
            {
                throw new IOException($"Could not sync the directory {directory} (errno {error}).");
            }
        }
        finally
        {
            _ = Close(descriptor);
        }
    }

    private const int EInval = 22;

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int OpenReadOnly(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int descriptor);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int descriptor);

    /// <summary>Deletes the notice of <paramref name="directory"/> and a temporary one a crash left.</summary>
    /// <exception cref="IOException">A file cannot be deleted.</exception>
    public static void Delete(string directory)
    {
        File.Delete(Path.Combine(directory, Name));
        File.Delete(Path.Combine(directory, TemporaryName));
    }

    /// <summary>
    /// Reads the notice of <paramref name="directory"/>: null when there is none, or it cannot be read (damaged: said in
    /// <paramref name="why"/>). A notice whose batch id is not one <see cref="BatchDelivery.NewBatchId"/> makes (another
    /// version's, a hand edit, damage that still parses) is read under a new id, said in <paramref name="why"/> too: the id
    /// becomes the request's <c>Idempotency-Key</c>, and one .NET refuses as a header (not ASCII) failed every send, retried
    /// for ever as a transient failure, with every record behind it waiting.
    /// </summary>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static Content? Read(string directory, out string? why)
    {
        why = null;
        var path = Path.Combine(directory, Name);
        if (!File.Exists(path))
        {
            return null; // a temporary file alone: a crash before its rename, the notice before it was in a record already
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = document.RootElement;
            var drops = new List<Entry>();
            foreach (var entry in root.GetProperty("drops").EnumerateArray())
            {
                var count = entry.GetProperty("count").GetInt64();
                if (count > 0)
                {
                    drops.Add(new Entry(
                        Enum.TryParse<SpoolDropReason>(entry.GetProperty("reason").GetString(), out var reason) && Enum.IsDefined(reason) ? reason : SpoolDropReason.Other, // another version's: its count kept
                        count,
                        entry.GetProperty("first").GetDateTimeOffset(),
                        entry.GetProperty("last").GetDateTimeOffset()));
                }
            }

            var batchId = root.GetProperty("batchId").GetString() ?? throw new FormatException("batchId is null.");
            if (!IsBatchId(batchId))
            {
                why = "its batch id is not one this version makes (32 hexadecimal digits): its drops go under a new batch id";
                batchId = BatchDelivery.NewBatchId();
            }

            return new Content(batchId, drops);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or KeyNotFoundException or ArgumentException)
        {
            why = $"{e.GetType().Name}: {e.Message}";
            return null;
        }
    }

    /// <summary>Whether <paramref name="id"/> has the form <see cref="BatchDelivery.NewBatchId"/> gives: 32 lowercase hexadecimal digits.</summary>
    private static bool IsBatchId(string id) => id.Length == 32 && id.AsSpan().IndexOfAnyExcept("0123456789abcdef") < 0;
}
