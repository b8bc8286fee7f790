using System.Buffers.Binary;
using System.IO.Compression;

namespace Pretrain.Pretraining.Tests.Data;

/// <summary>Writes small IDX files for tests, byte by byte, independently of the reader under test.</summary>
internal static class IdxFiles
{
    public static byte[] Bytes(byte type, int[] dimensions, byte[] data)
    {
        var header = new byte[4 + 4 * dimensions.Length];
        header[2] = type;
        header[3] = (byte)dimensions.Length;
        for (var i = 0; i < dimensions.Length; i++)
            BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4 + 4 * i), dimensions[i]);
        return [.. header, .. data];
    }

    public static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
            gzip.Write(bytes);
        return output.ToArray();
    }

    public static string Write(string path, byte[] bytes)
    {
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
