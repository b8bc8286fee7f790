using System.Buffers.Binary;
using System.IO.Compression;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Data.Shards;

/// <summary>
/// Writes shard sets from the other formats. IDX (raw or gzip) and NPY features are streamed: a chunk of rows is read,
/// converted to float32 and appended, so only one shard is ever held; so is any <see cref="IExampleReader"/> (CSV, NPZ,
/// image folders). Anything already in memory (the embedded slice) is written from its <see cref="Dataset"/>. IDX and
/// NPY labels (8 bytes a row at most) are read whole.
/// <c>progress</c> receives (rows written, total rows).
/// </summary>
public static class ShardConversion
{
    private const int ChunkRows = 8192;

    /// <summary>Streams the IDX images (uint8, raw or gzip) and labels at the given paths into <paramref name="folder"/>.</summary>
    public static ShardManifest FromIdx(string images, string? labels, string folder, int rowsPerShard, IReadOnlyList<string>? classNames = null,
        Action<long, long>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        using var labelTensor = labels is null ? null : IdxReader.ReadLabels(labels);
        if (!File.Exists(images))
            throw new DataException(images, "file not found.");
        using var file = File.OpenRead(images);
        using var stream = IsGzip(file) ? new GZipStream(file, CompressionMode.Decompress) : (Stream)file;
        var dimensions = IdxHeader(stream, images);
        if (dimensions.Length < 2)
            throw new DataException(images, $"expected examples with at least one dimension each, received an array of shape [{string.Join(", ", dimensions)}].");
        long count = dimensions[0];
        if (labelTensor is not null && labelTensor.shape[0] != count)
            throw new DataException(labels!, $"{labelTensor.shape[0]} labels but {images} has {count} examples.");
        var sampleShape = dimensions.Skip(1).Select(d => (long)d).ToArray();
        var width = (int)sampleShape.Aggregate(1L, (a, b) => a * b);
        using var writer = new ShardWriter(folder, sampleShape, labelTensor is not null, rowsPerShard)
        {
            ClassCount = classNames?.Count, ClassNames = classNames, Pixels = true, Source = Path.GetFileName(images),
        };
        var buffer = new byte[(long)Math.Min(ChunkRows, Math.Max(1, count)) * width];
        for (long start = 0; start < count; start += ChunkRows)
        {
            var rows = (int)Math.Min(ChunkRows, count - start);
            try
            {
                stream.ReadExactly(buffer, 0, rows * width);
            }
            catch (Exception e) when (e is EndOfStreamException or InvalidDataException or IOException)
            {
                throw new DataException(images, $"truncated or corrupt data: the header declares {count} examples of {width} bytes, reading stopped in example {start}..{start + rows - 1} ({e.Message}).", e);
            }
            using var scope = NewDisposeScope();
            var chunk = tensor(buffer.AsSpan(0, rows * width).ToArray(), [rows, width]).to(ScalarType.Float32);
            writer.Append(chunk, labelTensor?.narrow(0, start, rows));
            progress?.Invoke(start + rows, count);
        }
        if (stream.ReadByte() >= 0)
            throw new DataException(images, $"trailing bytes after the {count} examples the header declares.");
        return writer.Complete();
    }

    /// <summary>Streams NPY features [N, ...] (float32, float64, uint8, int32 or int64) and optional labels [N] into <paramref name="folder"/>.</summary>
    public static ShardManifest FromNpy(string features, string? labels, string folder, int rowsPerShard, Action<long, long>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        var header = NpyReader.ReadHeader(features);
        if (header.Shape.Count < 2)
            throw new DataException(features, $"expected features of shape [N, ...], received [{string.Join(", ", header.Shape)}].");
        using var labelTensor = labels is null ? null : NpyReader.Read(labels).ToInt64Tensor();
        var count = header.Shape[0];
        if (labelTensor is not null && (labelTensor.dim() != 1 || labelTensor.shape[0] != count))
            throw new DataException(labels!, $"expected {count} labels of shape [N], received [{string.Join(", ", labelTensor.shape)}].");
        var sampleShape = header.Shape.Skip(1).ToArray();
        var width = sampleShape.Aggregate(1L, (a, b) => a * b);
        var type = NpyReader.ScalarTypeOf(header.Dtype);
        using var writer = new ShardWriter(folder, sampleShape, labelTensor is not null, rowsPerShard) { Source = Path.GetFileName(features) };
        using var stream = File.OpenRead(features);
        stream.Position = header.DataOffset;
        for (long start = 0; start < count; start += ChunkRows)
        {
            var rows = Math.Min(ChunkRows, count - start);
            using var scope = NewDisposeScope();
            var raw = empty([rows, width], type);
            stream.ReadExactly(raw.bytes);
            var chunk = raw.to(ScalarType.Float32);
            DataChecks.EnsureFinite(chunk, features);
            writer.Append(chunk, labelTensor?.narrow(0, start, rows));
            progress?.Invoke(start + rows, count);
        }
        return writer.Complete();
    }

    /// <summary>
    /// Streams every example of <paramref name="reader"/> (CSV/TSV, NPZ, an image folder, ... one batch in memory at a
    /// time) into <paramref name="folder"/>, as examples of <paramref name="sampleShape"/> (default the reader's), which
    /// must hold as many values as the reader's rows. Values that are not finite are refused naming the reader's file.
    /// </summary>
    public static ShardManifest FromReader(IExampleReader reader, string folder, int rowsPerShard, IReadOnlyList<long>? sampleShape = null,
        bool pixels = false, IReadOnlyList<string>? classNames = null, Action<long, long>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var shape = sampleShape ?? reader.SampleShape;
        if (Layers.SampleShapes.Size(shape) != Layers.SampleShapes.Size(reader.SampleShape))
            throw new DataException(reader.Source, $"examples of shape [{string.Join(", ", shape)}] hold {Layers.SampleShapes.Size(shape)} values, but each example here has {Layers.SampleShapes.Size(reader.SampleShape)}.");
        using var writer = new ShardWriter(folder, shape, reader.HasLabels, rowsPerShard)
        {
            ClassCount = classNames?.Count, ClassNames = classNames, Pixels = pixels, Source = Path.GetFileName(reader.Source),
        };
        while (true)
        {
            using var scope = NewDisposeScope();
            if (reader.ReadBatch(ChunkRows) is not var (features, labels))
                break;
            DataChecks.EnsureFinite(features, reader.Source);
            writer.Append(features, labels);
            // A CSV's expected count is its line count, which blank lines and quoted line breaks make larger.
            progress?.Invoke(writer.Rows, Math.Max(writer.Rows, reader.ExpectedCount));
        }
        if (writer.Rows == 0)
            throw new DataException(reader.Source, "no examples to write.");
        progress?.Invoke(writer.Rows, writer.Rows);
        return writer.Complete();
    }

    /// <summary>Writes an in-memory <paramref name="data"/> into <paramref name="folder"/>.</summary>
    public static ShardManifest FromDataset(Dataset data, string folder, int rowsPerShard, bool pixels, IReadOnlyList<string>? classNames = null,
        Action<long, long>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        using var writer = new ShardWriter(folder, data.SampleShape, data.Labels is not null, rowsPerShard)
        {
            ClassCount = data.Labels is null ? null : data.ClassCount, ClassNames = classNames, Pixels = pixels, Source = data.Source,
        };
        for (long start = 0; start < data.Count; start += ChunkRows)
        {
            var rows = Math.Min(ChunkRows, data.Count - start);
            using var scope = NewDisposeScope();
            writer.Append(data.Features.narrow(0, start, rows), data.Labels?.narrow(0, start, rows));
            progress?.Invoke(start + rows, data.Count);
        }
        return writer.Complete();
    }

    private static bool IsGzip(FileStream file)
    {
        Span<byte> magic = stackalloc byte[2];
        var read = file.Read(magic);
        file.Position = 0;
        return read == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
    }

    private static int[] IdxHeader(Stream stream, string name)
    {
        var head = new byte[4];
        if (stream.ReadAtLeast(head, 4, throwOnEndOfStream: false) < 4 || head[0] != 0 || head[1] != 0)
            throw new DataException(name, "not an IDX file: expected a magic number starting with two zero bytes.");
        if (head[2] != 0x08)
            throw new DataException(name, $"unsupported IDX data type 0x{head[2]:x2}; only unsigned bytes (0x08) are supported.");
        if (head[3] == 0)
            throw new DataException(name, "IDX header declares zero dimensions.");
        var sizes = new byte[4 * head[3]];
        if (stream.ReadAtLeast(sizes, sizes.Length, throwOnEndOfStream: false) < sizes.Length)
            throw new DataException(name, $"truncated header: {head[3]} dimensions need {4 + sizes.Length} bytes.");
        var dimensions = Enumerable.Range(0, head[3]).Select(i => BinaryPrimitives.ReadInt32BigEndian(sizes.AsSpan(4 * i))).ToArray();
        if (dimensions.Any(d => d < 0) || !IO.ShapeSize.TryByteCount(dimensions.Select(d => (long)d), 1, out var bytes) || bytes / Math.Max(1, dimensions[0]) > int.MaxValue / ChunkRows)
            throw new DataException(name, $"dimensions [{string.Join(" x ", dimensions)}] are negative or too large (corrupt header).");
        return dimensions;
    }
}
