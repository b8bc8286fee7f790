using Pretrain.Recipes.Model;
using Pretrain.Pretraining.Data;

namespace Pretrain.Recipes.Pipeline;

/// <summary>Turns a recipe's data source into a <see cref="Dataset"/> through the matching reader.</summary>
internal static class DataSourceLoader
{
    public static Dataset Load(DataSourceSpec source, LoadedRecipe recipe) => Load(source, recipe.Resolve);

    /// <summary>Reads <paramref name="source"/>, its relative paths made absolute by <paramref name="resolve"/>.</summary>
    public static Dataset Load(DataSourceSpec source, Func<string, string> resolve) => source switch
    {
        EmbeddedSourceSpec embedded => EmbeddedFashionMnist.Load(Split(embedded.Split)),
        FashionMnistSourceSpec fashion => FashionMnist.Load(fashion.Directory is null ? FashionMnist.DefaultDirectory : resolve(fashion.Directory), Split(fashion.Split)),
        IdxSourceSpec idx => IdxReader.LoadLabeled(resolve(idx.Images), idx.Labels is null ? null : resolve(idx.Labels), null),
        CsvSourceSpec csv => CsvReader.Read(resolve(csv.Path), new CsvOptions { LabelColumn = csv.LabelColumn, HasHeader = csv.Header, Delimiter = csv.Delimiter[0] }),
        NpySourceSpec npy => NpyReader.LoadLabeled(resolve(npy.Features), npy.Labels is null ? null : resolve(npy.Labels)),
        NpzSourceSpec npz => NpzReader.LoadLabeled(resolve(npz.Path), npz.Features, npz.Labels),
        _ => throw new ArgumentOutOfRangeException(nameof(source), source, "unknown data source"),
    };

    /// <summary>
    /// Opens <paramref name="source"/> to be read a batch at a time: CSV/TSV, NPY and IDX files are streamed (one batch
    /// in memory); NPZ archives and Fashion-MNIST are loaded whole and served from memory.
    /// </summary>
    public static IExampleReader OpenReader(DataSourceSpec source, Func<string, string> resolve) => source switch
    {
        IdxSourceSpec idx => IdxExampleReader.Open(resolve(idx.Images), idx.Labels is null ? null : resolve(idx.Labels)),
        CsvSourceSpec csv => CsvExampleReader.Open(resolve(csv.Path), new CsvOptions { LabelColumn = csv.LabelColumn, HasHeader = csv.Header, Delimiter = csv.Delimiter[0] }),
        NpySourceSpec npy => NpyExampleReader.Open(resolve(npy.Features), npy.Labels is null ? null : resolve(npy.Labels)),
        _ => new DatasetExampleReader(Load(source, resolve)),
    };

    /// <summary>The class names of a source that has them (Fashion-MNIST's), else null ("0".."C-1" are used).</summary>
    public static IReadOnlyList<string>? ClassNames(DataSourceSpec source) =>
        source is EmbeddedSourceSpec or FashionMnistSourceSpec ? FashionMnist.ClassNames : null;

    /// <summary>True when the source holds raw 0..255 pixels, which unit scaling divides by 255.</summary>
    public static bool IsPixels(DataSourceSpec source) => source is EmbeddedSourceSpec or FashionMnistSourceSpec or IdxSourceSpec;

    private static FashionMnistSplit Split(DataSplit split) => split == DataSplit.Train ? FashionMnistSplit.Train : FashionMnistSplit.Test;
}
