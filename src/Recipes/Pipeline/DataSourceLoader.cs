using Pretrain.Recipes.Model;
using Pretrain.Pretraining;
using Pretrain.Pretraining.Data;
using Pretrain.Pretraining.Data.Images;
using Pretrain.Pretraining.Layers;
using Pretrain.Pretraining.Data.Shards;

namespace Pretrain.Recipes.Pipeline;

/// <summary>Turns a recipe's data source into a <see cref="Dataset"/> through the matching reader.</summary>
internal static class DataSourceLoader
{
    /// <summary>Reads <paramref name="source"/>, the recipe field <paramref name="field"/> (e.g. <c>data.train</c>), of <paramref name="recipe"/>.</summary>
    public static Dataset Load(DataSourceSpec source, LoadedRecipe recipe, string field, IReadOnlyList<string>? classNames = null) =>
        Load(source, recipe.Resolve, field, classNames);

    /// <summary>
    /// Reads <paramref name="source"/>, its relative paths made absolute by <paramref name="resolve"/>; errors about
    /// the recipe's settings name <paramref name="field"/>. <paramref name="classNames"/> are the training set's
    /// classes, which an image folder's labels follow (a test folder may lack some); other sources ignore them.
    /// </summary>
    public static Dataset Load(DataSourceSpec source, Func<string, string> resolve, string field = "data", IReadOnlyList<string>? classNames = null)
    {
        var data = source switch
        {
            EmbeddedSourceSpec embedded => EmbeddedFashionMnist.Load(Split(embedded.Split)),
            FashionMnistSourceSpec fashion => FashionMnist.Load(fashion.Directory is null ? FashionMnist.DefaultDirectory : resolve(fashion.Directory), Split(fashion.Split)),
            IdxSourceSpec idx => IdxReader.LoadLabeled(resolve(idx.Images), idx.Labels is null ? null : resolve(idx.Labels), null),
            CsvSourceSpec csv => CsvReader.Read(resolve(csv.Path), new CsvOptions { LabelColumn = csv.LabelColumn, HasHeader = csv.Header, Delimiter = csv.Delimiter[0] }),
            NpySourceSpec npy => NpyReader.LoadLabeled(resolve(npy.Features), npy.Labels is null ? null : resolve(npy.Labels)),
            NpzSourceSpec npz => NpzReader.LoadLabeled(resolve(npz.Path), npz.Features, npz.Labels),
            ShardsSourceSpec shards => OpenShards(shards, resolve).ReadAll(),
            ImageFolderSourceSpec { Labeled: true } folder => ImageFolderReader.LoadLabeled(resolve(folder.Directory), Decoding(folder), classNames),
            ImageFolderSourceSpec folder => ImageFolderReader.LoadUnlabeled(resolve(folder.Directory), Decoding(folder)),
            _ => throw new ArgumentOutOfRangeException(nameof(source), source, "unknown data source"),
        };
        return source is IShapedSource { Shape: { } shape } ? Reshape(data, shape, $"{field}.shape") : data;
    }

    /// <summary>The class names of a source that has them (Fashion-MNIST's, an image folder's), else null ("0".."C-1" are used).</summary>
    public static IReadOnlyList<string>? ClassNames(DataSourceSpec source, Func<string, string> resolve) => source switch
    {
        EmbeddedSourceSpec or FashionMnistSourceSpec => FashionMnist.ClassNames,
        ImageFolderSourceSpec { Labeled: true } folder => ImageFolderIndex.ClassNamesOf(resolve(folder.Directory)),
        ShardsSourceSpec shards => ShardManifestOf(shards, resolve).ClassNames,
        _ => null,
    };

    /// <summary>
    /// True when the source holds raw 0..255 pixels, which unit scaling divides by 255: IDX and image files, and NumPy
    /// arrays of uint8. Other sources are scaled per feature by the training data's minimum and maximum.
    /// </summary>
    public static bool IsPixels(DataSourceSpec source, Func<string, string> resolve) => source switch
    {
        EmbeddedSourceSpec or FashionMnistSourceSpec or IdxSourceSpec or ImageFolderSourceSpec => true,
        NpySourceSpec npy => IsBytes(NpyReader.ReadDtype(resolve(npy.Features))),
        NpzSourceSpec npz => IsBytes(NpzReader.ReadDtype(resolve(npz.Path), npz.Features)),
        ShardsSourceSpec shards => ShardManifestOf(shards, resolve).Pixels,
        _ => false,
    };

    /// <summary>
    /// Opens <paramref name="source"/> to be read a batch at a time: CSV/TSV, NPY, NPZ, IDX files and image folders are
    /// streamed (one batch in memory); Fashion-MNIST and shards are loaded whole and served from memory. An image folder
    /// (<c>labeled</c> true) is read as a folder per class, labelled as <paramref name="classNames"/> (e.g. a saved
    /// network's) or else its own sorted folder names, or, when it has no class folders, as the unlabelled images
    /// directly inside it.
    /// </summary>
    public static IExampleReader OpenReader(DataSourceSpec source, Func<string, string> resolve, IReadOnlyList<string>? classNames = null) => source switch
    {
        IdxSourceSpec idx => IdxExampleReader.Open(resolve(idx.Images), idx.Labels is null ? null : resolve(idx.Labels)),
        CsvSourceSpec csv => CsvExampleReader.Open(resolve(csv.Path), new CsvOptions { LabelColumn = csv.LabelColumn, HasHeader = csv.Header, Delimiter = csv.Delimiter[0] }),
        NpySourceSpec npy => NpyExampleReader.Open(resolve(npy.Features), npy.Labels is null ? null : resolve(npy.Labels)),
        NpzSourceSpec npz => NpzExampleReader.Open(resolve(npz.Path), npz.Features, npz.Labels),
        ImageFolderSourceSpec { Labeled: true } folder => new ImageFolderExampleReader(ImageFolderIndex.LabeledOrFlat(resolve(folder.Directory), classNames), Decoding(folder)),
        ImageFolderSourceSpec folder => new ImageFolderExampleReader(ImageFolderIndex.Unlabeled(resolve(folder.Directory)), Decoding(folder)),
        _ => new DatasetExampleReader(Load(source, resolve)),
    };

    /// <summary>Opens a shard folder (its manifest and every shard's header checked).</summary>
    public static ShardSet OpenShards(ShardsSourceSpec shards, Func<string, string> resolve) => ShardSet.Open(resolve(shards.Path), shards.VerifyChecksums);

    private static ShardManifest ShardManifestOf(ShardsSourceSpec shards, Func<string, string> resolve) => ShardSet.Open(resolve(shards.Path)).Manifest;

    private static bool IsBytes(string? dtype) => dtype is "|u1" or "<u1";

    private static ImageDecoding Decoding(ImageFolderSourceSpec folder) => new(folder.Channels, folder.Size[0], folder.Size[1]);

    /// <summary>The same examples seen as <paramref name="shape"/>, which must hold as many values as a row.</summary>
    private static Dataset Reshape(Dataset data, IReadOnlyList<long> shape, string field)
    {
        using (data)
        {
            if (SampleShapes.Size(shape) != data.FeatureCount)
                throw new PretrainException($"{field}: [{string.Join(", ", shape)}] holds {SampleShapes.Size(shape)} values but each example of {data.Source} has {data.FeatureCount} (shape [{string.Join(", ", data.SampleShape)}]).");
            // A view shares the values, so nothing is copied; it outlives the disposed original's handle.
            return data.WithFeatures(data.Features.view(data.Features.shape), shape);
        }
    }

    private static FashionMnistSplit Split(DataSplit split) => split == DataSplit.Train ? FashionMnistSplit.Train : FashionMnistSplit.Test;
}
