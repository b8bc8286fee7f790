using Pretrain.Pretraining;
using Pretrain.Pretraining.Data;

namespace Pretrain.Recipes.Pipeline;

/// <summary>
/// The data sets of a run after splitting, subsetting and scaling. Each labeled set is either a <see cref="Dataset"/>
/// on the run's device or, for shards under a memory budget that it does not fit, a stream from the shards scaled batch
/// by batch (<see cref="StreamedPreparation"/>). Owns them.
/// </summary>
internal sealed class PreparedData : IDisposable
{
    /// <summary>The labeled training examples (N per class when the recipe asks for it), in memory or streamed.</summary>
    public required ILabeledInput Train { get; init; }

    /// <summary>Every training example outside the validation split, for unsupervised pretraining; null unless asked for.</summary>
    public Dataset? Unlabeled { get; init; }

    /// <summary>
    /// The unlabeled examples streamed from shards (scaled batch by batch) when they do not fit the memory budget; then
    /// <see cref="Unlabeled"/> is null.
    /// </summary>
    public Pretraining.Layers.ILayerInput? UnlabeledStream { get; init; }

    /// <summary>The validation split, in memory or streamed; null without one.</summary>
    public ILabeledInput? Validation { get; init; }

    /// <summary>The test examples, in memory or streamed; null without them.</summary>
    public ILabeledInput? Test { get; init; }

    public required ScalerState Scaler { get; init; }

    /// <summary>
    /// <paramref name="set"/> as a data set in memory, for a stage that reads its examples whole (<paramref name="stage"/>,
    /// asked for by the recipe field <paramref name="field"/>); a streamed set is refused with what to do.
    /// </summary>
    public static Dataset InMemory(ILabeledInput set, string stage, string field) => set as Dataset
        ?? throw new PretrainException($"{field}: {stage} reads its labeled examples in memory, but those of {set.Source} are streamed under data.memoryBudget: "
            + $"turn {field} off or raise data.memoryBudget (data.labelsPerClass keeps the labeled training examples in memory).");

    public void Dispose()
    {
        (Train as IDisposable)?.Dispose();
        Unlabeled?.Dispose();
        (UnlabeledStream as IDisposable)?.Dispose();  // may hold the stream Train reads too: a stream's Dispose is idempotent
        (Validation as IDisposable)?.Dispose();
        (Test as IDisposable)?.Dispose();
    }
}
