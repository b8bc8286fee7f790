using System.Text.Json.Serialization;

namespace Pretrain.Recipes.Model;

/// <summary>
/// Where a data set comes from. The JSON field <c>format</c> chooses the kind. Relative paths are resolved against
/// the folder of the recipe file.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "format", UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization)]
[JsonDerivedType(typeof(EmbeddedSourceSpec), "embedded")]
[JsonDerivedType(typeof(FashionMnistSourceSpec), "fashionMnist")]
[JsonDerivedType(typeof(IdxSourceSpec), "idx")]
[JsonDerivedType(typeof(CsvSourceSpec), "csv")]
[JsonDerivedType(typeof(NpySourceSpec), "npy")]
[JsonDerivedType(typeof(NpzSourceSpec), "npz")]
[JsonDerivedType(typeof(ShardsSourceSpec), "shards")]
public abstract record DataSourceSpec;

/// <summary>Which half of a data set that ships a train and a test part.</summary>
public enum DataSplit
{
    /// <summary>The training part.</summary>
    Train,
    /// <summary>The test part.</summary>
    Test,
}

/// <summary>The Fashion-MNIST slice shipped inside Pretrain (5,000 training and 1,000 test images): no download.</summary>
public sealed record EmbeddedSourceSpec : DataSourceSpec
{
    /// <summary>Which part. Default train.</summary>
    public DataSplit Split { get; init; } = DataSplit.Train;
}

/// <summary>Full Fashion-MNIST from a folder of IDX files (default: Debian's dataset-fashion-mnist location).</summary>
public sealed record FashionMnistSourceSpec : DataSourceSpec
{
    /// <summary>Folder holding the four .gz files. Default /usr/share/datasets/fashion-mnist.</summary>
    public string? Directory { get; init; }

    /// <summary>Which part. Default train.</summary>
    public DataSplit Split { get; init; } = DataSplit.Train;
}

/// <summary>IDX image and label files (raw or gzip), as MNIST uses.</summary>
public sealed record IdxSourceSpec : DataSourceSpec
{
    /// <summary>The images (or any uint8 IDX array; the first dimension counts examples).</summary>
    public required string Images { get; init; }

    /// <summary>The labels (1-D uint8 IDX). Optional for unlabeled data.</summary>
    public string? Labels { get; init; }
}

/// <summary>A CSV file of numeric features with an optional label column.</summary>
public sealed record CsvSourceSpec : DataSourceSpec
{
    /// <summary>The file.</summary>
    public required string Path { get; init; }

    /// <summary>The label column, by header name or 0-based index. Omit for unlabeled data.</summary>
    public string? LabelColumn { get; init; }

    /// <summary>Whether the first row is a header; omitted means detect it (a non-numeric field).</summary>
    public bool? Header { get; init; }

    /// <summary>Field separator, one character. Default ",".</summary>
    public string Delimiter { get; init; } = ",";
}

/// <summary>NumPy .npy arrays: features [N, ...] and optional labels [N].</summary>
public sealed record NpySourceSpec : DataSourceSpec
{
    /// <summary>The features file.</summary>
    public required string Features { get; init; }

    /// <summary>The labels file. Optional.</summary>
    public string? Labels { get; init; }
}

/// <summary>A NumPy .npz archive holding a features array and an optional labels array.</summary>
public sealed record NpzSourceSpec : DataSourceSpec
{
    /// <summary>The archive.</summary>
    public required string Path { get; init; }

    /// <summary>Name of the features array. Default "x".</summary>
    public string Features { get; init; } = "x";

    /// <summary>Name of the labels array; null for unlabeled data. Default "y".</summary>
    public string? Labels { get; init; } = "y";
}

/// <summary>
/// A sharded data set (a folder of .npy shards and its <c>shards.json</c>, written by <c>pretrain data shard</c>), read
/// through memory mapping. Under <c>data.memoryBudget</c>, training data larger than half the budget is streamed.
/// </summary>
public sealed record ShardsSourceSpec : DataSourceSpec
{
    /// <summary>The shard folder.</summary>
    public required string Path { get; init; }

    /// <summary>Check every shard's SHA-256 against the manifest before reading (a full read of the data). Default false: sizes and headers only.</summary>
    public bool VerifyChecksums { get; init; }
}
