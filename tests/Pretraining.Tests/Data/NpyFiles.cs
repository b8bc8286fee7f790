using System.IO.Compression;
using System.Text;

namespace Pretrain.Pretraining.Tests.Data;

/// <summary>Writes .npy and .npz files byte by byte for tests, as numpy.save does (format 1.0).</summary>
internal static class NpyFiles
{
    public static byte[] Bytes(string descr, long[] shape, byte[] data, bool fortran = false, byte version = 1)
    {
        var shapeText = shape.Length == 1 ? $"({shape[0]},)" : $"({string.Join(", ", shape)})";
        var header = $"{{'descr': '{descr}', 'fortran_order': {(fortran ? "True" : "False")}, 'shape': {shapeText}, }}";
        var prefix = version == 1 ? 10 : 12;
        var padded = (prefix + header.Length + 1 + 63) / 64 * 64 - prefix;
        header = header.PadRight(padded - 1) + "\n";
        var bytes = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', version, 0 };
        if (version == 1)
            bytes.AddRange(BitConverter.GetBytes((ushort)header.Length));
        else
            bytes.AddRange(BitConverter.GetBytes((uint)header.Length));
        bytes.AddRange(Encoding.ASCII.GetBytes(header));
        bytes.AddRange(data);
        return [.. bytes];
    }

    public static byte[] Floats(params float[] values) => values.SelectMany(BitConverter.GetBytes).ToArray();

    public static byte[] Doubles(params double[] values) => values.SelectMany(BitConverter.GetBytes).ToArray();

    public static byte[] Longs(params long[] values) => values.SelectMany(BitConverter.GetBytes).ToArray();

    /// <summary>An archive of NAME.npy entries, deflated (as numpy.savez_compressed writes them) unless <paramref name="compression"/> says otherwise.</summary>
    public static string WriteNpz(string path, Dictionary<string, byte[]> arrays, CompressionLevel compression = CompressionLevel.Optimal)
    {
        using var archive = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var (name, bytes) in arrays)
        {
            using var stream = archive.CreateEntry(name + ".npy", compression).Open();
            stream.Write(bytes);
        }
        return path;
    }
}
