using System.Net;
using System.Text;
using ThreadedLogging.Collector.Ingest.Formats.Python;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Adversarial;

/// <summary>
/// Issue 15 §2-3: a 15 KB Python form rendered to a 100,000,000-character message (1.1 GB RSS), and
/// <c>%o</c> of a 120,000-digit int took 14 s of CPU. The rendered message is bounded by MaxEventBytes.
/// </summary>
public sealed class PercentFormattingTests : IAsyncLifetime
{
    private const int MaxEventBytes = 64 * 1024;
    private CollectorFixture _collector = null!;

    public static TheoryData<string, string, string> Bombs => new()
    {
        { "widths", string.Concat(Enumerable.Repeat("%100000s", 1000)), "(" + string.Join(", ", Enumerable.Repeat("'a'", 1000)) + ")" },
        { "star-widths", string.Concat(Enumerable.Repeat("%*s", 1000)), "(" + string.Join(", ", Enumerable.Repeat("100000, 'a'", 1000)) + ")" },
        { "precision", string.Concat(Enumerable.Repeat("%.100000d", 1000)), "(" + string.Join(", ", Enumerable.Repeat("1", 1000)) + ")" },
        { "float-precision", string.Concat(Enumerable.Repeat("%.100000f", 1000)), "(" + string.Join(", ", Enumerable.Repeat("1.5", 1000)) + ")" },
        { "mapping-repeats", string.Concat(Enumerable.Repeat("%(a)s", 5000)), "{'a': '" + new string('x', 10_000) + "'}" },
    };

    public async Task InitializeAsync() => _collector = await CollectorFixture.StartAsync($"--Collector:MaxEventBytes={MaxEventBytes}");

    public async Task DisposeAsync() => await _collector.DisposeAsync();

    [Theory]
    [MemberData(nameof(Bombs))]
    public async Task Ingest_FormThatRendersHuge_StoredCutAtLimitWithMarker(string name, string msg, string args)
    {
        var user = "bomb-" + name;
        var form = Form(("name", "app"), ("msg", msg), ("args", args), ("levelno", "20"));
        Assert.True(form.Length < MaxEventBytes, "the request itself is within the limits");

        var (status, body) = await Http.SendAsync(_collector.Client, HttpMethod.Post, "log/" + user, form, "application/x-www-form-urlencoded");

        Assert.True(status == HttpStatusCode.OK, body);
        var message = Assert.Single(await StillServing.MessagesAsync(_collector, "user=" + user))!;
        Assert.Equal(MaxEventBytes + PythonPercentFormatter.TruncationMarker.Length, message.Length);
        Assert.EndsWith(PythonPercentFormatter.TruncationMarker, message, StringComparison.Ordinal);
        await StillServing.AssertAsync(_collector);
    }

    [Theory]
    [InlineData("%o")]
    [InlineData("%d")]
    [InlineData("%x")]
    [InlineData("%(a)o")]
    public async Task Ingest_HugeIntArgument_StoredWithMsgAndArgsRaw(string conversion)
    {
        var user = "bigint-" + (conversion.Length + conversion[^1]);
        var digits = new string('7', 60_000);
        var args = conversion.Contains('(', StringComparison.Ordinal) ? "{'a': " + digits + "}" : "(" + digits + ",)";
        var form = Form(("msg", string.Concat(Enumerable.Repeat(conversion, 50))), ("args", args), ("levelno", "20"));

        var (status, body) = await Http.SendAsync(_collector.Client, HttpMethod.Post, "log/" + user, form, "application/x-www-form-urlencoded");

        Assert.True(status == HttpStatusCode.OK, body);
        var stored = Assert.Single(await _collector.EventsAsync("user=" + user));
        Assert.Equal(string.Concat(Enumerable.Repeat(conversion, 50)), stored.GetProperty("message").GetString());
        Assert.Equal(args, StillServing.Property(stored, "args"));
        await StillServing.AssertAsync(_collector);
    }

    private static byte[] Form(params (string Name, string Value)[] fields) =>
        Encoding.ASCII.GetBytes(string.Join("&", fields.Select(f => Uri.EscapeDataString(f.Name) + "=" + Uri.EscapeDataString(f.Value))));
}
