using Pretrain.Pretraining.Data;
using Pretrain.Pretraining.Data.Shards;
using Pretrain.Pretraining.Layers;
using Pretrain.Pretraining;
using Pretrain.Recipes.Model;

namespace Pretrain.Recipes.Pipeline;

/// <summary>
/// What <c>pretrain data shard</c> does: writes any recipe data source as a shard folder. IDX files (Fashion-MNIST's
/// included), NPY and NPZ arrays, CSV/TSV files and image folders are streamed, a batch at a time, so a file larger than
/// memory can be sharded; only the embedded slice (and a shard folder) is read whole first.
/// </summary>
public static class DataSharding
{
    /// <summary>Shard size used when none is given: 64 MiB of features.</summary>
    public const long DefaultShardBytes = 64L << 20;

    /// <summary>
    /// Writes <paramref name="source"/> (relative paths taken from the current folder) into <paramref name="folder"/>,
    /// <paramref name="rowsPerShard"/> rows a shard (default: as many as fit 64 MiB); <paramref name="progress"/> gets
    /// (rows written, total rows).
    /// </summary>
    public static ShardManifest Write(DataSourceSpec source, string folder, int? rowsPerShard = null, Action<long, long>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(folder);
        static int Rows(int? given, IReadOnlyList<long> shape) =>
            given ?? ShardWriter.RowsFor(DefaultShardBytes, shape.Aggregate(1L, (a, b) => a * b) * sizeof(float));
        switch (source)
        {
            case IdxSourceSpec idx:
                var images = Path.GetFullPath(idx.Images);
                return ShardConversion.FromIdx(images, idx.Labels is null ? null : Path.GetFullPath(idx.Labels), folder, Rows(rowsPerShard, IdxShape(images)), null, progress);
            case FashionMnistSourceSpec fashion:
                var directory = fashion.Directory is null ? FashionMnist.DefaultDirectory : Path.GetFullPath(fashion.Directory);
                var prefix = fashion.Split == DataSplit.Train ? "train" : "t10k";
                return ShardConversion.FromIdx(Path.Combine(directory, $"{prefix}-images-idx3-ubyte.gz"), Path.Combine(directory, $"{prefix}-labels-idx1-ubyte.gz"),
                    folder, Rows(rowsPerShard, [28, 28]), FashionMnist.ClassNames, progress);
            case NpySourceSpec { Shape: null } npy:
                var features = Path.GetFullPath(npy.Features);
                return ShardConversion.FromNpy(features, npy.Labels is null ? null : Path.GetFullPath(npy.Labels), folder,
                    Rows(rowsPerShard, NpyReader.ReadHeader(features).Shape.Skip(1).ToArray()), progress);
            case CsvSourceSpec or NpySourceSpec or NpzSourceSpec or ImageFolderSourceSpec:
                var classNames = DataSourceLoader.ClassNames(source, Path.GetFullPath);
                using (var reader = DataSourceLoader.OpenReader(source, Path.GetFullPath, classNames))
                {
                    var shape = source is IShapedSource { Shape: { } given } ? given : reader.SampleShape;
                    if (SampleShapes.Size(shape) != SampleShapes.Size(reader.SampleShape))
                        throw new PretrainException($"shape: [{string.Join(", ", shape)}] holds {SampleShapes.Size(shape)} values but each example of {reader.Source} has {SampleShapes.Size(reader.SampleShape)}.");
                    return ShardConversion.FromReader(reader, folder, Rows(rowsPerShard, shape), shape, DataSourceLoader.IsPixels(source, Path.GetFullPath),
                        classNames, progress);
                }
            default:
                using (var data = DataSourceLoader.Load(source, Path.GetFullPath))
                    return ShardConversion.FromDataset(data, folder, Rows(rowsPerShard, data.SampleShape), DataSourceLoader.IsPixels(source, Path.GetFullPath),
                        DataSourceLoader.ClassNames(source, Path.GetFullPath), progress);
        }
    }

    // Only the header's sizes, to size the shards before streaming; the reader checks the file itself.
    private static long[] IdxShape(string path)
    {
        try
        {
            using var file = File.OpenRead(path);
            using var stream = file.Length > 2 && file.ReadByte() == 0x1f && file.ReadByte() == 0x8b
                ? new System.IO.Compression.GZipStream(Rewind(file), System.IO.Compression.CompressionMode.Decompress) : (Stream)Rewind(file);
            var head = new byte[4];
            stream.ReadExactly(head);
            var sizes = new byte[4 * head[3]];
            stream.ReadExactly(sizes);
            return Enumerable.Range(1, Math.Max(0, head[3] - 1)).Select(i => (long)System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(sizes.AsSpan(4 * i))).ToArray();
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            return [1]; // the reader reports the problem with its own message
        }
    }

    private static FileStream Rewind(FileStream file)
    {
        file.Position = 0;
        return file;
    }
}
