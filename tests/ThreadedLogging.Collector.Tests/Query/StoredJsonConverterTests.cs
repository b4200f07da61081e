using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using ThreadedLogging.Collector.Query;

namespace ThreadedLogging.Collector.Tests.Query;

/// <summary>Stored JSON written as it is or parsed and written: the same bytes either way, with each encoder of the collector.</summary>
public sealed class StoredJsonConverterTests
{
    public static TheoryData<string> StoredTexts =>
    [
        """{"OrderId":798630,"Customer":2025}""",
        """{"a":1.50,"b":1e3,"c":-0,"d":12345678901234567890,"e":[true,false,null,{}],"f":""}""",
        """{"message":"Ledger closed","x":"a b  c"}""",
        """{ "spaced" : [ 1 , 2 ] }""",
        "{\n  \"indented\": true\n}",
        """{"stack":"   at A()\n   at B()"}""",
        """{"html":"<img src=x onerror=alert(1)> & 'q' + `t`"}""",
        """{"escaped":"\u0041\/\"q\""}""",
        """{"unicode":"ünï 😀 עברית"}""",
        """{"k e y":"v","":0}""",
        "42",
        "\"just a string\"",
        "[]",
    ];

    [Theory]
    [MemberData(nameof(StoredTexts))]
    public void Write_StoredJson_SameBytesAsParsingAndWritingIt(string stored)
    {
        foreach (var encoder in new[] { null, JavaScriptEncoder.Default, JavaScriptEncoder.UnsafeRelaxedJsonEscaping })
        {
            var options = new JsonSerializerOptions { Encoder = encoder };
            using var expected = new MemoryStream();
            using (var writer = new Utf8JsonWriter(expected, new JsonWriterOptions { Encoder = encoder }))
            {
                using var document = JsonDocument.Parse(stored);
                document.RootElement.WriteTo(writer);
            }

            using var actual = new MemoryStream();
            using (var writer = new Utf8JsonWriter(actual, new JsonWriterOptions { Encoder = encoder }))
            {
                new StoredJsonConverter().Write(writer, new StoredJson(stored), options);
            }

            Assert.Equal(Encoding.UTF8.GetString(expected.ToArray()), Encoding.UTF8.GetString(actual.ToArray()));
        }
    }

    [Theory]
    [InlineData("""{"OrderId":798630,"Customer":"a b"}""", true)]
    [InlineData("""{"OrderId": 798630}""", false)]
    [InlineData("""{"q":"\"x\""}""", false)]
    [InlineData("""{"h":"<b>"}""", false)]
    [InlineData("""{"u":"é"}""", false)]
    public void IsPlain_Text_CopiedOnlyWhenNothingWouldChange(string stored, bool plain) =>
        Assert.Equal(plain, StoredJsonConverter.IsPlain(stored));
}
