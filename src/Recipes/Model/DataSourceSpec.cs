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
[JsonDerivedType(typeof(ImageFolderSourceSpec), "imageFolder")]
[JsonDerivedType(typeof(ShardsSourceSpec), "shards")]
public abstract record DataSourceSpec;

/// <summary>A source of flat rows that may say what shape each row has (e.g. an image flattened to 784 values).</summary>
public interface IShapedSource
{
    /// <summary>
    /// The shape of one example, e.g. <c>[1, 28, 28]</c> (<c>[C, H, W]</c>) or <c>[28, 28]</c>, whose product must be
    /// the number of values per row. Omitted: the file's own shape (<c>[D]</c> for CSV, the array's trailing
    /// dimensions for NumPy).
    /// </summary>
    IReadOnlyList<long>? Shape { get; }
}

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
public sealed record CsvSourceSpec : DataSourceSpec, IShapedSource
{
    /// <summary>Shape of one example, e.g. [1, 28, 28] ([C, H, W]) or [28, 28]; its product must be the row length. Optional.</summary>
    public IReadOnlyList<long>? Shape { get; init; }

    /// <summary>The file.</summary>
    public required string Path { get; init; }

    /// <summary>The label column, by header name or 0-based index. Omit for unlabeled data.</summary>
    public string? LabelColumn { get; init; }

    /// <summary>Whether the first row is a header; omitted means detect it (a non-numeric field).</summary>
    public bool? Header { get; init; }

    /// <summary>Field separator, one character. Default ",".</summary>
    public string Delimiter { get; init; } = ",";
}

/// <summary>
/// NumPy .npy arrays: features [N, ...] (e.g. [N, H, W] or [N, C, H, W] images, which keep their shape) and optional
/// labels [N]. uint8 features count as 0..255 pixels for unit scaling.
/// </summary>
public sealed record NpySourceSpec : DataSourceSpec, IShapedSource
{
    /// <summary>Shape of one example, e.g. [1, 28, 28] ([C, H, W]) or [28, 28]; its product must be the row length. Optional.</summary>
    public IReadOnlyList<long>? Shape { get; init; }

    /// <summary>The features file.</summary>
    public required string Features { get; init; }

    /// <summary>The labels file. Optional.</summary>
    public string? Labels { get; init; }
}

/// <summary>A NumPy .npz archive holding a features array and an optional labels array (read as .npy arrays are).</summary>
public sealed record NpzSourceSpec : DataSourceSpec, IShapedSource
{
    /// <summary>Shape of one example, e.g. [1, 28, 28] ([C, H, W]) or [28, 28]; its product must be the row length. Optional.</summary>
    public IReadOnlyList<long>? Shape { get; init; }

    /// <summary>The archive.</summary>
    public required string Path { get; init; }

    /// <summary>Name of the features array. Default "x".</summary>
    public string Features { get; init; } = "x";

    /// <summary>Name of the labels array; null for unlabeled data. Default "y".</summary>
    public string? Labels { get; init; } = "y";
}

/// <summary>
/// A folder of PNG or JPEG images: one sub-folder per class (torchvision's ImageFolder layout, <c>ROOT/CLASS/*.png</c>;
/// class names are the folder names sorted), or, with <c>labeled</c> false, any images under the folder.
/// Every image is converted to <c>channels</c> channels and resized to <c>size</c>, giving examples of
/// shape <c>[channels, height, width]</c> with 0..255 values.
/// </summary>
public sealed record ImageFolderSourceSpec : DataSourceSpec
{
    /// <summary>The root folder.</summary>
    public required string Directory { get; init; }

    /// <summary>1 (grayscale) or 3 (RGB). Default 3.</summary>
    public int Channels { get; init; } = 3;

    /// <summary>[height, width] every image is resized to (stretched, as torchvision's Resize((h, w)) does).</summary>
    public required IReadOnlyList<int> Size { get; init; }

    /// <summary>True: one sub-folder per class. False: every image under the folder, without labels. Default true.</summary>
    public bool Labeled { get; init; } = true;
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
