namespace ThreadedLogging.Collector.Ingest;

/// <summary>
/// RFC 1950's checksum, the zlib format's trailer (HTTP's and gRPC's <c>deflate</c>), over data appended part by part
/// (System.IO.Hashing has none). Summed in blocks of 5552 bytes: the most before the sums can overflow 32 bits.
/// </summary>
internal sealed class Adler32
{
    private const uint Modulus = 65521;
    private const int Block = 5552;

    private uint _a = 1;
    private uint _b;

    /// <summary>Gets the checksum of what was appended.</summary>
    public uint Value => (_b << 16) | _a;

    /// <summary>The checksum of <paramref name="data"/>.</summary>
    public static uint Of(ReadOnlySpan<byte> data)
    {
        var adler = new Adler32();
        adler.Append(data);
        return adler.Value;
    }

    /// <summary>Adds <paramref name="data"/> to the checksum.</summary>
    public void Append(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            var block = data[..Math.Min(data.Length, Block)];
            foreach (var value in block)
            {
                _a += value;
                _b += _a;
            }

            _a %= Modulus;
            _b %= Modulus;
            data = data[block.Length..];
        }
    }
}
