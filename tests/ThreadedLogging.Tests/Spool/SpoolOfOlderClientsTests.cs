using ThreadedLogging.Tests.Support;

namespace ThreadedLogging.Tests.Spool;

/// <summary>
/// Spools that released clients left on disk (<c>Spool/Fixtures/spool-{commit}</c>: 50 events each, written by the build of
/// that commit through a JsonBatch HTTP handler whose collector could not be reached; README there), adopted by this
/// client at its start: every event sent once, in order, with its text, and the spool emptied only then. 7cc7c39
/// (2026-12-01) wrote plain JSON payloads, bcb5ce4 (2026-12-05) gzip; both a checksum over the payload alone.
/// </summary>
public sealed class SpoolOfOlderClientsTests
{
    [Theory]
    [InlineData("spool-7cc7c39")]
    [InlineData("spool-bcb5ce4")]
    public async Task Start_OnASpoolAnOlderClientLeft_SendsEveryEventOnce(string fixture)
    {
        using var directory = new TempDirectory();
        var source = Path.Combine(AppContext.BaseDirectory, "Spool", "Fixtures", fixture);
        foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(directory.Path, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }

        var tag = "old-" + fixture["spool-".Length..];
        var sink = new CollectingSink().Open();
        await using (var handler = new ThreadedHandler(sink, SpoolTests.Options(directory.Path, o => o.MaxBufferAge = TimeSpan.FromDays(3650))))
        {
            Assert.True(handler.Flush(TimeSpan.FromSeconds(30))); // waits for what it adopted, too
            Assert.Equal((50L, 50L, 0L), (handler.Statistics.Adopted, handler.Statistics.Sent, handler.Statistics.Dropped));
        }

        var events = sink.Batches.SelectMany(b => b.Events).ToList();
        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"spooled by {tag} number {i}"), events.Select(e => e.Message));
        Assert.Equal(tag, sink.Batches[0].Identity.User);
        Assert.Empty(Directory.GetFiles(directory.Path, "*.seg*", SearchOption.AllDirectories));
    }
}
