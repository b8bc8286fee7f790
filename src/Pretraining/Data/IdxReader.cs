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
            dimensions[i] = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4 + 4 * i));
            if (dimensions[i] < 0)
                throw new DataException(name, $"dimension {i} is negative ({dimensions[i]}).");
        }
        // Up to 255 dimensions of 2^31: the product can overflow 64 bits, so it is computed with a check.
        if (!Pretrain.Pretraining.IO.ShapeSize.TryByteCount(dimensions.Select(d => (long)d), 1, out var expected))
            throw new DataException(name, $"dimensions [{string.Join(" x ", dimensions)}] need more than 2^63 data bytes but the file has {bytes.Length - headerLength} (corrupt header).");
        var actual = bytes.Length - headerLength;
        if (actual != expected)
            throw new DataException(name, $"dimensions [{string.Join(" x ", dimensions)}] need {expected} data bytes but the file has {actual} ({(actual < expected ? "truncated" : "trailing bytes")}).");
        return new IdxArray(dimensions, bytes[headerLength..]);
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
        Tensor? labelTensor = null;
        if (labels is not null)
        {
            if (labels.Count != images.Count)
                throw new DataException(labelsName!, $"{labels.Count} labels but {imagesName} has {images.Count} examples.");
            labelTensor = ToLabels(labels, labelsName!);
            var max = labels.Data.Length == 0 ? 0 : labels.Data.Max();
            if (classCount is int classes && max >= classes)
                throw new DataException(labelsName!, $"label {max} is out of range: expected 0..{classes - 1}.");
        }
        return new Dataset(ToFeatures(images), labelTensor, images.SampleShape, Path.GetFileName(imagesName), classCount);
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

    private static string Hex(byte[] bytes) => string.Join(" ", bytes.Take(4).Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));
}
