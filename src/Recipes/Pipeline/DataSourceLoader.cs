using Pretrain.Recipes.Model;
using Pretrain.Pretraining.Data;

namespace Pretrain.Recipes.Pipeline;

/// <summary>Turns a recipe's data source into a <see cref="Dataset"/> through the matching reader.</summary>
internal static class DataSourceLoader
{
    public static Dataset Load(DataSourceSpec source, LoadedRecipe recipe) => source switch
    {
        EmbeddedSourceSpec embedded => EmbeddedFashionMnist.Load(Split(embedded.Split)),
        FashionMnistSourceSpec fashion => FashionMnist.Load(fashion.Directory is null ? FashionMnist.DefaultDirectory : recipe.Resolve(fashion.Directory), Split(fashion.Split)),
        IdxSourceSpec idx => IdxReader.LoadLabeled(recipe.Resolve(idx.Images), idx.Labels is null ? null : recipe.Resolve(idx.Labels), null),
        CsvSourceSpec csv => CsvReader.Read(recipe.Resolve(csv.Path), new CsvOptions { LabelColumn = csv.LabelColumn, HasHeader = csv.Header, Delimiter = csv.Delimiter[0] }),
        NpySourceSpec npy => NpyReader.LoadLabeled(recipe.Resolve(npy.Features), npy.Labels is null ? null : recipe.Resolve(npy.Labels)),
        NpzSourceSpec npz => NpzReader.LoadLabeled(recipe.Resolve(npz.Path), npz.Features, npz.Labels),
        _ => throw new ArgumentOutOfRangeException(nameof(source), source, "unknown data source"),
    };

    /// <summary>True when the source holds raw 0..255 pixels, which unit scaling divides by 255.</summary>
    public static bool IsPixels(DataSourceSpec source) => source is EmbeddedSourceSpec or FashionMnistSourceSpec or IdxSourceSpec;

    private static FashionMnistSplit Split(DataSplit split) => split == DataSplit.Train ? FashionMnistSplit.Train : FashionMnistSplit.Test;
}
