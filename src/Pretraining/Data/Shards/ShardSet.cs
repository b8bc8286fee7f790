using System.IO.MemoryMappedFiles;
using Pretrain.Pretraining.IO;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Data.Shards;

/// <summary>
/// An opened shard folder (<see cref="ShardManifest"/>): every shard's header and length are checked against the
/// manifest when it is opened, and a shard's rows are read through a memory mapping of its file, one shard at a time,
/// so reading never holds more than the rows asked for (the mapping is released after the copy, and its pages with it).
/// </summary>
public sealed class ShardSet
{
    // Bytes mapped at a time while copying a shard, so the mapping's resident pages stay a small part of a shard.
    private const long MappedChunkBytes = 8L << 20;
    private const long CheckRows = 2048;
    private readonly long[] _starts;
    // Shards whose values have passed the NaN and label checks once: a streamed run reads every shard again each epoch,
    // and the checks were a pass over the data each time (about a tenth of the reader's cost). Opening the set checks
    // each file's size, and a file replaced with the same size after that is not a case worth a pass per epoch.
    private readonly bool[] _checked;

    private ShardSet(string folder, ShardManifest manifest)
    {
        Folder = folder;
        Manifest = manifest;
        _starts = new long[manifest.Shards.Count + 1];
        _checked = new bool[manifest.Shards.Count];
        for (var i = 0; i < manifest.Shards.Count; i++)
            _starts[i + 1] = _starts[i] + manifest.Shards[i].Rows;
    }

    /// <summary>
    /// Opens <paramref name="folder"/>: reads its manifest and checks every shard file's header, shape, dtype and length
    /// (and, with <paramref name="verifyChecksums"/>, its SHA-256). A problem throws <see cref="DataException"/> naming the file.
    /// </summary>
    public static ShardSet Open(string folder, bool verifyChecksums = false)
    {
        ArgumentNullException.ThrowIfNull(folder);
        var manifest = ShardManifestFile.Read(folder);
        var set = new ShardSet(folder, manifest);
        for (var i = 0; i < manifest.Shards.Count; i++)
        {
            var shard = manifest.Shards[i];
            CheckFile(set.FeaturesPath(i), shard.FeaturesBytes, "<f4", [shard.Rows, .. manifest.SampleShape], shard.FeaturesSha256, verifyChecksums);
            if (shard.Labels is not null)
                CheckFile(set.LabelsPath(i)!, shard.LabelsBytes, "<i8", [shard.Rows], shard.LabelsSha256, verifyChecksums);
        }
        return set;
    }

    /// <summary>True when <paramref name="folder"/> holds a shard manifest.</summary>
    public static bool IsShardFolder(string folder) => File.Exists(ShardManifestFile.PathIn(folder));

    /// <summary>The folder.</summary>
    public string Folder { get; }

    /// <summary>The manifest read from the folder.</summary>
    public ShardManifest Manifest { get; }

    /// <summary>Number of rows N.</summary>
    public long Count => Manifest.Rows;

    /// <summary>Shape of one example.</summary>
    public IReadOnlyList<long> SampleShape => Manifest.SampleShape;

    /// <summary>Values per example.</summary>
    public int Width => (int)Manifest.SampleShape.Aggregate(1L, (a, b) => a * b);

    /// <summary>Bytes of one example's features (float32).</summary>
    public long RowBytes => Width * (long)sizeof(float);

    /// <summary>Bytes all features and labels take in memory.</summary>
    public long Bytes => Count * (RowBytes + (Manifest.Labeled ? sizeof(long) : 0));

    /// <summary>Number of shards.</summary>
    public int ShardCount => Manifest.Shards.Count;

    /// <summary>The first row of shard <paramref name="index"/> (for <c>index == ShardCount</c>, the row count).</summary>
    public long ShardStart(int index) => _starts[index];

    /// <summary>The features file of shard <paramref name="index"/>.</summary>
    public string FeaturesPath(int index) => Path.Combine(Folder, Manifest.Shards[index].Features);

    /// <summary>The labels file of shard <paramref name="index"/>, or null when unlabeled.</summary>
    public string? LabelsPath(int index) => Manifest.Shards[index].Labels is { } labels ? Path.Combine(Folder, labels) : null;

    /// <summary>
    /// Shard <paramref name="index"/>'s features, float32 [rows, Width] in host memory, and its labels, int64 [rows]
    /// (null when unlabeled), read through memory mappings. NaN or infinite values and labels outside
    /// <c>0..ClassCount-1</c> are refused naming the file (checked at the first read of each shard by this set). The
    /// caller owns both (they are in no dispose scope).
    /// </summary>
    public (Tensor Features, Tensor? Labels) ReadShard(int index)
    {
        var rows = Manifest.Shards[index].Rows;
        var features = empty([rows, Width], ScalarType.Float32).DetachFromDisposeScope();
        Tensor? labels = null;
        try
        {
            var path = FeaturesPath(index);
            MappedCopy(path, features);
            // In slices, so the check's temporaries stay small next to the shard.
            for (long start = 0; start < rows && !_checked[index]; start += CheckRows)
            {
                using var slice = features.narrow(0, start, Math.Min(CheckRows, rows - start));
                DataChecks.EnsureFinite(slice, path);
            }
            if (LabelsPath(index) is { } labelsPath)
            {
                labels = empty([rows], ScalarType.Int64).DetachFromDisposeScope();
                MappedCopy(labelsPath, labels);
                if (!_checked[index])
                    CheckLabels(labels, labelsPath);
            }
            _checked[index] = true;
            return (features, labels);
        }
        catch
        {
            features.Dispose();
            labels?.Dispose();
            throw;
        }
    }

    /// <summary>Every label, int64 [N] (8 bytes a row, small next to the features); throws when unlabeled.</summary>
    public Tensor ReadLabels()
    {
        if (!Manifest.Labeled)
            throw new DataException(Folder, "the shards have no labels.");
        using var scope = NewDisposeScope();
        var parts = new List<Tensor>();
        for (var i = 0; i < ShardCount; i++)
        {
            var labels = empty([Manifest.Shards[i].Rows], ScalarType.Int64);
            MappedCopy(LabelsPath(i)!, labels);
            CheckLabels(labels, LabelsPath(i)!);
            parts.Add(labels);
        }
        return cat(parts, 0).MoveToOuterDisposeScope();
    }

    /// <summary>Every row as one in-memory <see cref="Dataset"/> (features flattened per example).</summary>
    public Dataset ReadAll() => ReadRows(null);

    /// <summary>
    /// The rows at <paramref name="indices"/> (int64 [M], any order, each in 0..N-1) as an in-memory <see cref="Dataset"/>
    /// in that order; all rows when null. Reads one shard at a time.
    /// </summary>
    public Dataset ReadRows(Tensor? indices)
    {
        using var scope = NewDisposeScope();
        var wanted = indices?.cpu().to(ScalarType.Int64);
        var count = wanted?.shape[0] ?? Count;
        var features = zeros([count, Width], ScalarType.Float32);
        var labels = Manifest.Labeled ? zeros([count], ScalarType.Int64) : null;
        for (var i = 0; i < ShardCount; i++)
        {
            using var shardScope = NewDisposeScope();
            Tensor positions, local;
            if (wanted is null)
                (positions, local) = (arange(_starts[i], _starts[i + 1]), arange(0, _starts[i + 1] - _starts[i]));
            else
            {
                positions = (wanted.ge(_starts[i]) & wanted.lt(_starts[i + 1])).nonzero().flatten();
                if (positions.shape[0] == 0)
                    continue;
                local = wanted.index_select(0, positions) - _starts[i];
            }
            var (x, y) = ReadShard(i);
            using var _x = x;
            using var _y = y;
            features.index_copy_(0, positions, x.index_select(0, local));
            labels?.index_copy_(0, positions, y!.index_select(0, local));
        }
        return new Dataset(features.MoveToOuterDisposeScope(), labels?.MoveToOuterDisposeScope(), SampleShape, Manifest.Source ?? Folder,
            Manifest.ClassCount ?? 0);
    }

    private void CheckLabels(Tensor labels, string path)
    {
        if (labels.numel() == 0)
            return;
        using var scope = NewDisposeScope();
        var (low, high) = (labels.min().item<long>(), labels.max().item<long>());
        if (low < 0 || high >= Manifest.ClassCount)
            throw new DataException(path, $"labels must lie in 0..{Manifest.ClassCount - 1} (the manifest's class count), received values from {low} to {high}.");
    }

    private static void CheckFile(string path, long? bytes, string dtype, long[] shape, string? sha256, bool verify)
    {
        var header = NpyReader.ReadHeader(path);
        if (header.Dtype != dtype)
            throw new DataException(path, $"expected dtype {dtype}, received {header.Dtype}.");
        if (!header.Shape.SequenceEqual(shape))
            throw new DataException(path, $"expected shape [{string.Join(", ", shape)}] (from {ShardManifest.FileName}), received [{string.Join(", ", header.Shape)}].");
        if (header.FileLength != bytes || header.DataOffset + header.DataBytes != header.FileLength)
            throw new DataException(path, $"the file has {header.FileLength} bytes, {ShardManifest.FileName} says {bytes} and its header needs {header.DataOffset + header.DataBytes}.");
        if (verify && sha256 is not null)
            FileChecksum.Verify(path, sha256);
    }

    /// <summary>Copies the values of the .npy file at <paramref name="path"/> into <paramref name="target"/> through a memory mapping.</summary>
    private static void MappedCopy(string path, Tensor target)
    {
        var header = NpyReader.ReadHeader(path);
        var length = target.numel() * target.ElementSize;
        if (header.DataBytes != length)
            throw new DataException(path, $"expected {length} bytes of values, the header declares {header.DataBytes}; was the file replaced after the folder was opened?");
        if (length == 0)
            return;
        using var file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        var bytes = target.bytes;
        for (long done = 0; done < length; done += MappedChunkBytes)
        {
            var size = (int)Math.Min(MappedChunkBytes, length - done);
            using var view = file.CreateViewStream(header.DataOffset + done, size, MemoryMappedFileAccess.Read);
            view.ReadExactly(bytes.Slice((int)done, size));
        }
    }
}
