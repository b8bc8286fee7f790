using Pretrain.Pretraining;
using Pretrain.Pretraining.Greedy;
using Pretrain.Pretraining.Layers;

namespace Pretrain.Recipes.Model;

/// <summary>
/// Whether a recipe's pretraining layers fit its examples, checked while the recipe is validated when the data source
/// states the example shape itself (an image folder's channels and size, a <c>shape</c>, Fashion-MNIST's 28x28), so
/// <c>pretrain validate</c> refuses such a recipe without reading any data. Other sources are checked by the greedy
/// driver once the data is read, still before anything trains, in the same words.
/// </summary>
internal static class LayerFitCheck
{
    /// <summary>The shape of one example of <paramref name="source"/> when the recipe alone tells it, else null.</summary>
    public static IReadOnlyList<long>? StatedShape(DataSourceSpec source) => source switch
    {
        EmbeddedSourceSpec or FashionMnistSourceSpec => [28, 28],
        ImageFolderSourceSpec { Size: [var height, var width] } folder => [folder.Channels, height, width],
        IShapedSource { Shape: { } shape } => shape,
        _ => null,
    };

    /// <summary>The first layer that does not fit <paramref name="inputShape"/>, as a problem (e.g. <c>pretraining.layers[1]: kernel 5 does not fit ...</c>); null when all fit.</summary>
    /// <param name="layers">Layer options already found valid (their trainers are created).</param>
    /// <param name="inputShape">The shape of one example.</param>
    public static RecipeProblem? Check(IReadOnlyList<LayerOptions> layers, IReadOnlyList<long> inputShape)
    {
        const string path = "pretraining.layers";
        var greedy = new GreedyPretrainer(layers.Select(l => new LayerPlan(l.CreateTrainer())).ToList()) { Path = path };
        try
        {
            greedy.Describe(inputShape);
            return null;
        }
        catch (PretrainException e)
        {
            // The driver words it "pretraining.layers[k]: what does not fit (sizes)."; the recipe reports path and message apart.
            var colon = e.Message.IndexOf(": ", StringComparison.Ordinal);
            return colon > 0 && e.Message.StartsWith(path, StringComparison.Ordinal)
                ? new RecipeProblem(e.Message[..colon], e.Message[(colon + 2)..])
                : new RecipeProblem(path, e.Message);
        }
    }
}
