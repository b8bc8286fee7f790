using Pretrain.FineTuning.Augmentation;
using Pretrain.Pretraining.Validation;

namespace Pretrain.FineTuning.Training;

/// <summary>
/// Consistency training on unlabeled images (FixMatch, Sohn et al. 2020): beside each labeled batch, the network labels
/// a batch of unlabeled images seen clean, keeps the labels it is sure of (top-class probability at least
/// <see cref="Threshold"/>), and learns them from strongly changed copies of the same images, so that its answer holds
/// under the changes and the confident answers spread through the unlabeled set. The labeled batch keeps its
/// cross-entropy with <c>training.augmentation</c>. The recipe's <c>consistency</c> section binds to this record.
/// </summary>
public sealed record ConsistencyOptions : IValidatedOptions
{
    /// <summary>
    /// Passes over the unlabeled examples; each pass has one batch of <c>training.batchSize</c> labeled examples (drawn
    /// anew from the shuffled labeled set, which is short) per <see cref="UnlabeledRatio"/> times as many unlabeled
    /// ones. Validation after every pass. Default 20.
    /// </summary>
    public int Epochs { get; init; } = 20;

    /// <summary>
    /// The smallest top-class probability, on the clean image in evaluation mode, for which an unlabeled image's
    /// answer becomes its label; less sure images add nothing to the batch's loss. Default 0.95 (FixMatch's).
    /// </summary>
    public double Threshold { get; init; } = 0.95;

    /// <summary>Unlabeled images per labeled image in a batch (FixMatch's mu). Default 3.</summary>
    public int UnlabeledRatio { get; init; } = 3;

    /// <summary>Weight of the unlabeled images' loss beside the labeled cross-entropy (FixMatch's lambda). Default 1.</summary>
    public double Weight { get; init; } = 1;

    /// <summary>
    /// The strong changes the unlabeled images learn their labels under, drawn anew for every image and batch.
    /// Default: the contrastive recipe's views (crop to half the area, rotation 15 degrees, shift 2, flip, brightness
    /// 0.4, erasing 0.5).
    /// </summary>
    public ImageAugmentationOptions Augmentation { get; init; } = new()
    {
        Crop = 0.5, Rotation = 15, Shift = 2, HorizontalFlip = true, Brightness = 0.4, Erasing = 0.5,
    };

    /// <summary>
    /// The learning rate the passes start from (before <see cref="Schedule"/>); null (default) uses the rate the arm's
    /// training chose. A rate search that settles on a small rate for 1,000 labels leaves too little movement for the
    /// unlabeled images to teach anything, so recipes can give the consistency step its own.
    /// </summary>
    public double? LearningRate { get; init; }

    /// <summary>
    /// Which images batch normalization's running statistics follow: <see cref="ConsistencyBatchNorm.Shared"/> (default),
    /// the labeled batch and the strong views in one pass, or <see cref="ConsistencyBatchNorm.Labeled"/>, the labeled
    /// batch alone, with the strong views in a second pass that normalizes by their own batch statistics and keeps none.
    /// </summary>
    public ConsistencyBatchNorm BatchNorm { get; init; } = ConsistencyBatchNorm.Shared;

    /// <summary>
    /// The decay of an exponential moving average of the weights over the optimizer steps, or null (default) for none.
    /// With it, the network validated after every pass, kept as the best and saved is the average (as FixMatch evaluates
    /// its networks), while the optimizer goes on training its own weights and labeling the unlabeled images with them.
    /// 0.99 averages over about the last 100 batches.
    /// </summary>
    public double? AverageDecay { get; init; }

    /// <summary>Early stopping on validation accuracy, in passes; null (default) uses <c>training.patience</c>.</summary>
    public int? Patience { get; init; }

    /// <summary>
    /// The learning-rate schedule over the <see cref="Epochs"/> passes, from the rate they start at (<see cref="LearningRate"/>); null
    /// (default) uses <c>training.schedule</c>.
    /// </summary>
    public LearningRateSchedule? Schedule { get; init; }

    /// <inheritdoc />
    public IEnumerable<OptionProblem> Problems()
    {
        if (Epochs < 1)
            yield return new("epochs", $"expected at least 1, received {Epochs}.");
        if (Threshold is not (>= 0 and <= 1))
            yield return new("threshold", $"expected a probability in [0, 1], received {Threshold}.");
        if (UnlabeledRatio < 1)
            yield return new("unlabeledRatio", $"expected at least 1 unlabeled image per labeled one, received {UnlabeledRatio}.");
        if (!(Weight >= 0) || double.IsInfinity(Weight))
            yield return new("weight", $"expected a number >= 0, received {Weight}.");
        if (Patience is < 1)
            yield return new("patience", $"expected at least 1 pass, received {Patience}.");
        if (AverageDecay is double decay && !(decay > 0 && decay < 1))
            yield return new("averageDecay", $"expected a decay in (0, 1), received {decay}.");
        if (LearningRate is double rate && (!(rate > 0) || double.IsInfinity(rate)))
            yield return new("learningRate", $"expected a positive number, received {rate}.");
        if (Augmentation is null)
            yield return new("augmentation", "expected the strong changes of the unlabeled images, received null.");
        else
            foreach (var problem in Augmentation.Problems())
                yield return problem.Under("augmentation");
    }
}

/// <summary>What consistency training needs beside the labeled examples: its settings and the unlabeled images.</summary>
/// <param name="Options">The settings.</param>
/// <param name="Unlabeled">The unlabeled images, scaled as the training inputs, with their image shape (not owned).</param>
public sealed record ConsistencyInput(ConsistencyOptions Options, Pretrain.Pretraining.Data.Dataset Unlabeled);
