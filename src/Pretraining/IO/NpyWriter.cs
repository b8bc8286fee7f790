using System.IO.Compression;
using System.Text;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.IO;

/// <summary>
/// Writes NumPy <c>.npy</c> files (format 1.0, C order, little-endian) and <c>.npz</c> archives that
/// <c>numpy.load</c> opens. Supported dtypes: float32, float64, int64, int32, uint8. Files are written atomically.
/// </summary>
public static class NpyWriter
{
    /// <summary>Writes <paramref name="tensor"/> to <paramref name="path"/> as a .npy file.</summary>
    public static void Write(string path, Tensor tensor) => Write(path, tensor, durable: true);

    /// <summary>Writes <paramref name="tensor"/> to <paramref name="path"/> as a .npy file, flushed to the disk or not (<see cref="AtomicFile.Write(string, Action{Stream}, bool)"/>).</summary>
    public static void Write(string path, Tensor tensor, bool durable) => AtomicFile.Write(path, stream => WriteTo(stream, tensor), durable);

    /// <summary>Writes <paramref name="arrays"/> to <paramref name="path"/> as an uncompressed .npz archive (one NAME.npy per array).</summary>
    public static void WriteNpz(string path, IReadOnlyDictionary<string, Tensor> arrays)
    {
        ArgumentNullException.ThrowIfNull(arrays);
        AtomicFile.Write(path, stream =>
        {
            using var archive = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
            foreach (var name in arrays.Keys.Order(StringComparer.Ordinal))
            {
                using var entry = archive.CreateEntry(name + ".npy", CompressionLevel.NoCompression).Open();
                WriteTo(entry, arrays[name]);
            }
        });
    }

    private static void WriteTo(Stream stream, Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        var descr = tensor.dtype switch
        {
            ScalarType.Float32 => "<f4",
            ScalarType.Float64 => "<f8",
            ScalarType.Int64 => "<i8",
            ScalarType.Int32 => "<i4",
            ScalarType.Byte => "|u1",
            _ => throw new ArgumentException($"cannot write {tensor.dtype} to .npy; supported: float32, float64, int64, int32, uint8.", nameof(tensor)),
        };
        var shape = tensor.shape.Length == 1 ? $"({tensor.shape[0]},)" : $"({string.Join(", ", tensor.shape)})";
        var header = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}";
        // The magic, version and length take 10 bytes; the header is padded so the data starts on a 64-byte boundary.
        var total = (10 + header.Length + 1 + 63) / 64 * 64;
        header = header.PadRight(total - 10 - 1) + "\n";
        stream.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0]);
        stream.Write(BitConverter.GetBytes((ushort)header.Length));
        stream.Write(Encoding.ASCII.GetBytes(header));
        using var cpu = tensor.detach().cpu().contiguous();
        stream.Write(cpu.bytes);
    }
}
