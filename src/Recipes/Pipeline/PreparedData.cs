using Pretrain.Pretraining.Data;

namespace Pretrain.Recipes.Pipeline;

/// <summary>The data sets of a run after splitting, subsetting and scaling, all on the run's device. Owns them.</summary>
internal sealed class PreparedData : IDisposable
{
    /// <summary>The labeled training examples (N per class when the recipe asks for it).</summary>
    public required Dataset Train { get; init; }

    /// <summary>Every training example outside the validation split, for unsupervised pretraining; null unless asked for.</summary>
    public Dataset? Unlabeled { get; init; }

    /// <summary>
    /// The unlabeled examples streamed from shards (scaled batch by batch) when they do not fit the memory budget; then
    /// <see cref="Unlabeled"/> is null.
    /// </summary>
    public Pretraining.Layers.ILayerInput? UnlabeledStream { get; init; }

    public Dataset? Validation { get; init; }

    public Dataset? Test { get; init; }

    public required ScalerState Scaler { get; init; }

    public void Dispose()
    {
        Train.Dispose();
        Unlabeled?.Dispose();
        (UnlabeledStream as IDisposable)?.Dispose();
        Validation?.Dispose();
        Test?.Dispose();
    }
}
