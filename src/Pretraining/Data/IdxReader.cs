using System.Buffers.Binary;
using System.IO.Compression;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Data;

/// <summary>
/// Reads IDX files, the format of MNIST and Fashion-MNIST: a big-endian magic number (two zero bytes, a type byte
/// and the number of dimensions), one big-endian int32 per dimension, then the values. Files may be gzip-compressed
/// (detected from the content, not the name). Only unsigned-byte data (type 0x08) is supported.
/// </summary>
public static class IdxReader
{
    private const byte UnsignedByte = 0x08;

    /// <summary>Reads <paramref name="path"/>; throws <see cref="DataException"/> naming the file for any bad input.</summary>
    public static IdxArray Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
            throw new DataException(path, Directory.Exists(path) ? "expected an IDX file, received a folder." : "file not found.");
        using var stream = File.OpenRead(path);
        return Read(stream, path);
    }

    /// <summary>Reads an IDX array from <paramref name="stream"/>; <paramref name="name"/> is used in error messages.</summary>
    public static IdxArray Read(Stream stream, string name)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var bytes = Decompress(stream, name);
        var (dimensions, headerLength, expected) = ReadHeader(bytes, name);
        var actual = bytes.Length - headerLength;
        if (actual != expected)
            throw new DataException(name, $"dimensions [{string.Join(" x ", dimensions)}] need {expected} data bytes but the file has {actual} ({(actual < expected ? "truncated" : "trailing bytes")}).");
        return new IdxArray(dimensions, bytes[headerLength..]);
    }

    /// <summary>
    /// The dimensions, header length and data bytes an IDX header declares, from the first bytes of the (inflated) file:
    /// at least <c>4 + 4 * rank</c>, or all of it when shorter. Magic number, type and sizes checked.
    /// </summary>
    internal static (int[] Dimensions, int HeaderLength, long DataBytes) ReadHeader(ReadOnlySpan<byte> bytes, string name)
    {
        if (bytes.Length == 0)
            throw new DataException(name, "empty file.");
        if (bytes.Length < 4 || bytes[0] != 0 || bytes[1] != 0)
            throw new DataException(name, $"not an IDX file: expected a magic number starting with two zero bytes, received {Hex(bytes)}.");
        if (bytes[2] != UnsignedByte)
            throw new DataException(name, $"unsupported IDX data type 0x{bytes[2]:x2}; only unsigned bytes (0x08) are supported.");
        var rank = bytes[3];
        if (rank == 0)
            throw new DataException(name, "IDX header declares zero dimensions.");
        var headerLength = 4 + 4 * rank;
        if (bytes.Length < headerLength)
            throw new DataException(name, $"truncated header: {rank} dimensions need {headerLength} bytes, the file has {bytes.Length}.");
        var dimensions = new int[rank];
        for (var i = 0; i < rank; i++)
        {
            dimensions[i] = BinaryPrimitives.ReadInt32BigEndian(bytes[(4 + 4 * i)..]);
            if (dimensions[i] < 0)
                throw new DataException(name, $"dimension {i} is negative ({dimensions[i]}).");
        }
        // Up to 255 dimensions of 2^31: the product can overflow 64 bits, so it is computed with a check.
        if (!Pretrain.Pretraining.IO.ShapeSize.TryByteCount(dimensions.Select(d => (long)d), 1, out var expected))
            throw new DataException(name, $"dimensions [{string.Join(" x ", dimensions)}] need more than 2^63 data bytes but the file has {bytes.Length - headerLength} (corrupt header).");
        return (dimensions, headerLength, expected);
    }

    /// <summary>Reads images as float32 [N, rows*cols] with the raw values 0..255 (no scaling), and their shape.</summary>
    public static (Tensor Images, IReadOnlyList<long> SampleShape) ReadImages(string path)
    {
        var array = Read(path);
        return (ToFeatures(array), array.SampleShape);
    }

    /// <summary>Reads labels as int64 [N]; the file must be one-dimensional.</summary>
    public static Tensor ReadLabels(string path)
    {
        var array = Read(path);
        return ToLabels(array, path);
    }

    /// <summary>
    /// Reads images and optional labels into a <see cref="Dataset"/>, checking their counts agree and, when
    /// <paramref name="classCount"/> is given, that every label is below it.
    /// </summary>
    public static Dataset LoadLabeled(string imagesPath, string? labelsPath, int? classCount) =>
        Load(Read(imagesPath), imagesPath, labelsPath is null ? null : Read(labelsPath), labelsPath, classCount);

    /// <summary>Builds a dataset from already-read arrays (used for files and embedded resources alike).</summary>
    internal static Dataset Load(IdxArray images, string imagesName, IdxArray? labels, string? labelsName, int? classCount)
    {
        if (images.Dimensions.Count < 2)
            throw new DataException(imagesName, $"expected examples with at least one dimension each, received an array of shape [{string.Join(", ", images.Dimensions)}].");
        var labelTensor = labels is null ? null : LabelsFor(labels, labelsName!, images.Count, imagesName, classCount);
        return new Dataset(ToFeatures(images), labelTensor, images.SampleShape, Path.GetFileName(imagesName), classCount);
    }

    /// <summary>The labels of the <paramref name="count"/> examples of <paramref name="imagesName"/>, int64 [N], below <paramref name="classCount"/> when given.</summary>
    internal static Tensor LabelsFor(IdxArray labels, string labelsName, long count, string imagesName, int? classCount = null)
    {
        if (labels.Count != count)
            throw new DataException(labelsName, $"{labels.Count} labels but {imagesName} has {count} examples.");
        var labelTensor = ToLabels(labels, labelsName);
        var max = labels.Data.Length == 0 ? 0 : labels.Data.Max();
        if (classCount is int classes && max >= classes)
        {
            labelTensor.Dispose();
            throw new DataException(labelsName, $"label {max} is out of range: expected 0..{classes - 1}.");
        }
        return labelTensor;
    }

    private static Tensor ToFeatures(IdxArray array)
    {
        var width = array.SampleShape.Aggregate(1L, (a, b) => a * b);
        using var raw = tensor(array.Data, [array.Count, width]);
        return raw.to(ScalarType.Float32);
    }

    private static Tensor ToLabels(IdxArray array, string name)
    {
        if (array.Dimensions.Count != 1)
            throw new DataException(name, $"expected a one-dimensional label file, received shape [{string.Join(", ", array.Dimensions)}].");
        using var raw = tensor(array.Data, [array.Count]);
        return raw.to(ScalarType.Int64);
    }

    /// <summary>
    /// <paramref name="stream"/> itself, or a gzip-inflating stream over it when its first bytes are gzip's magic number
    /// (decided from the content, not the name); the stream must be seekable.
    /// </summary>
    internal static Stream Inflated(Stream stream)
    {
        Span<byte> magic = stackalloc byte[2];
        var read = stream.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
        stream.Position = 0;
        return read == 2 && magic[0] == 0x1f && magic[1] == 0x8b ? new GZipStream(stream, CompressionMode.Decompress) : stream;
    }

    private static byte[] Decompress(Stream stream, string name)
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        var bytes = buffer.ToArray();
        if (bytes.Length < 2 || bytes[0] != 0x1f || bytes[1] != 0x8b)
            return bytes;
        try
        {
            using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
            using var output = new MemoryStream();
            gzip.CopyTo(output);
            // GZipStream returns whatever it could inflate when the input stops early, without an error; the gzip
            // trailer's last field (uncompressed size mod 2^32) tells a cut-short file from a complete one.
            var declared = bytes.Length < 18 ? 0 : BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4));
            if (bytes.Length < 18 || declared != (uint)output.Length)
                throw new DataException(name, $"truncated or corrupt gzip data: inflated {output.Length} bytes but the gzip trailer declares {declared}.");
            return output.ToArray();
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or IOException)
        {
            throw new DataException(name, $"corrupt or truncated gzip data: {e.Message}", e);
        }
    }

    private static string Hex(ReadOnlySpan<byte> bytes) => string.Join(" ", bytes[..Math.Min(4, bytes.Length)].ToArray().Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));
}
