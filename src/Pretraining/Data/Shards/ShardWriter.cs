using System.Globalization;
using Pretrain.Pretraining.IO;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Data.Shards;

/// <summary>
/// Writes a sharded data set from rows appended batch by batch: at most one shard's rows are held in memory, each
/// shard file is written atomically (temp then rename) and the manifest last, so a folder is readable only once
/// complete. Writing into a folder removes any earlier shard set there first; a folder holding anything else is refused.
/// </summary>
public sealed class ShardWriter : IDisposable
{
    private readonly string _folder;
    private readonly long[] _sampleShape;
    private readonly int _width;
    private readonly List<ShardEntry> _shards = [];
    private readonly Tensor _features;
    private readonly Tensor? _labels;
    private long _filled;
    private long _rows;
    private long _maxLabel = -1;
    private bool _completed;

    /// <summary>Starts a shard set in <paramref name="folder"/> of examples of <paramref name="sampleShape"/>.</summary>
    /// <param name="folder">Created if missing; must be empty or hold an earlier shard set.</param>
    /// <param name="sampleShape">Shape of one example.</param>
    /// <param name="labeled">Whether every row comes with an int64 label.</param>
    /// <param name="rowsPerShard">Rows in each shard but the last (positive).</param>
    public ShardWriter(string folder, IReadOnlyList<long> sampleShape, bool labeled, int rowsPerShard)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(sampleShape);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rowsPerShard);
        PrepareFolder(folder);
        _folder = folder;
        _sampleShape = sampleShape.ToArray();
        _width = (int)_sampleShape.Aggregate(1L, (a, b) => a * b);
        RowsPerShard = rowsPerShard;
        _features = empty([rowsPerShard, _width], ScalarType.Float32).DetachFromDisposeScope();
        _labels = labeled ? empty([rowsPerShard], ScalarType.Int64).DetachFromDisposeScope() : null;
    }

    /// <summary>Rows in each full shard.</summary>
    public int RowsPerShard { get; }

    /// <summary>Rows appended so far.</summary>
    public long Rows => _rows;

    /// <summary>Number of classes to record; default max(label)+1.</summary>
    public int? ClassCount { get; init; }

    /// <summary>Class names to record, or null.</summary>
    public IReadOnlyList<string>? ClassNames { get; init; }

    /// <summary>Whether the rows are raw 0..255 pixels (recorded for unit scaling).</summary>
    public bool Pixels { get; init; }

    /// <summary>Record each shard's SHA-256 (default true). A spilled cache, read back once by the same process, skips it.</summary>
    public bool Checksums { get; init; } = true;

    /// <summary>
    /// Flush each shard to the disk before it is renamed into place (default true), so a written shard set survives a
    /// power cut. A spilled cache, rebuilt rather than read back after a crash, skips it; either way no shard is ever
    /// half-written under its name.
    /// </summary>
    public bool Durable { get; init; } = true;

    /// <summary>Where the rows came from, recorded for logs.</summary>
    public string? Source { get; init; }

    /// <summary>Rows in the largest shard that fits <paramref name="shardBytes"/> for rows of <paramref name="rowBytes"/> (at least 1).</summary>
    public static int RowsFor(long shardBytes, long rowBytes) => (int)Math.Clamp(shardBytes / Math.Max(1, rowBytes), 1, int.MaxValue);

    /// <summary>Appends float32 <paramref name="features"/> [B, ...] (B rows of the sample shape, any device) and their labels int64 [B].</summary>
    public void Append(Tensor features, Tensor? labels = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        ObjectDisposedException.ThrowIf(_completed, this);
        if (features.shape.Length == 0 || features.numel() != features.shape[0] * _width)
            throw new ArgumentException($"expected rows of {_width} values, received shape [{string.Join(", ", features.shape)}].", nameof(features));
        if ((labels is null) != (_labels is null) || (labels is not null && (labels.dim() != 1 || labels.shape[0] != features.shape[0])))
            throw new ArgumentException(_labels is null ? "the shard set is unlabeled." : $"expected {features.shape[0]} labels.", nameof(labels));
        using var scope = NewDisposeScope();
        var flat = features.reshape(features.shape[0], _width);
        for (long done = 0; done < flat.shape[0];)
        {
            var take = Math.Min(flat.shape[0] - done, RowsPerShard - _filled);
            _features.narrow(0, _filled, take).copy_(flat.narrow(0, done, take));
            if (labels is not null)
                _labels!.narrow(0, _filled, take).copy_(labels.narrow(0, done, take));
            (_filled, done, _rows) = (_filled + take, done + take, _rows + take);
            if (_filled == RowsPerShard)
                Flush();
        }
        if (labels is not null && labels.numel() > 0)
            _maxLabel = Math.Max(_maxLabel, labels.max().item<long>());
    }

    /// <summary>Writes the last shard and the manifest; returns the manifest.</summary>
    public ShardManifest Complete()
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        if (_filled > 0)
            Flush();
        if (_shards.Count == 0)
            throw new PretrainException($"{_folder}: no rows to write.");
        var manifest = new ShardManifest
        {
            Rows = _rows, SampleShape = _sampleShape, Labeled = _labels is not null,
            ClassCount = _labels is null ? null : ClassCount ?? (int)(_maxLabel + 1), ClassNames = ClassNames,
            Pixels = Pixels, Source = Source, Shards = _shards.ToList(),
        };
        ShardManifestFile.Write(_folder, manifest);
        Dispose();
        return manifest;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_completed)
            return;
        _completed = true;
        _features.Dispose();
        _labels?.Dispose();
    }

    private void Flush()
    {
        var name = $"shard-{_shards.Count.ToString("D5", CultureInfo.InvariantCulture)}";
        var featuresPath = Path.Combine(_folder, name + ".x.npy");
        using (var rows = _features.narrow(0, 0, _filled).reshape([_filled, .. _sampleShape]))
            NpyWriter.Write(featuresPath, rows, Durable);
        string? labelsPath = null;
        if (_labels is not null)
        {
            labelsPath = Path.Combine(_folder, name + ".y.npy");
            using var labels = _labels.narrow(0, 0, _filled);
            NpyWriter.Write(labelsPath, labels, Durable);
        }
        _shards.Add(new ShardEntry
        {
            Features = Path.GetFileName(featuresPath), Labels = labelsPath is null ? null : Path.GetFileName(labelsPath), Rows = _filled,
            FeaturesBytes = new FileInfo(featuresPath).Length, FeaturesSha256 = Checksums ? FileChecksum.Sha256(featuresPath) : null,
            LabelsBytes = labelsPath is null ? null : new FileInfo(labelsPath).Length, LabelsSha256 = labelsPath is null || !Checksums ? null : FileChecksum.Sha256(labelsPath),
        });
        _filled = 0;
    }

    private static void PrepareFolder(string folder)
    {
        if (File.Exists(folder))
            throw new PretrainException($"{folder}: expected a folder for the shards, found a file.");
        Directory.CreateDirectory(folder);
        var manifest = ShardManifestFile.PathIn(folder);
        // Only an earlier (possibly interrupted) shard set may be replaced: its manifest, shards and temporary files.
        var foreign = Directory.EnumerateFileSystemEntries(folder).Select(Path.GetFileName)
            .FirstOrDefault(name => name != ShardManifest.FileName && !name!.StartsWith("shard-", StringComparison.Ordinal) && !name.StartsWith(".shard", StringComparison.Ordinal));
        if (foreign is not null)
            throw new PretrainException($"{folder}: the folder holds {foreign}, which is not part of a shard set; choose an empty or new folder.");
        // The manifest goes first, so a folder being rewritten is never read as complete with old and new shards mixed.
        File.Delete(manifest);
        foreach (var old in Directory.EnumerateFiles(folder, "shard-*.npy"))
            File.Delete(old);
    }
}
