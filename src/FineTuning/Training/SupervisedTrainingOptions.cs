using Pretrain.Pretraining.Validation;

namespace Pretrain.FineTuning.Training;

/// <summary>
/// How a network is trained with labels. Defaults suit a small MLP on image pixels in [0,1]. The recipe's
/// <c>training</c> section binds to this record, so its defaults and range checks are the recipe's too.
/// </summary>
public sealed record SupervisedTrainingOptions : IValidatedOptions
{
    /// <summary>Maximum number of passes over the training data. Default 20.</summary>
    public int Epochs { get; init; } = 20;

    /// <summary>Examples per minibatch. Default 128.</summary>
    public int BatchSize { get; init; } = 128;

    /// <summary>Optimizer. Default Adam.</summary>
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;

    /// <summary>Step size. Default 1e-3.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>
    /// A grid of learning rates to choose from by validation accuracy (each trained from the same starting weights; the
    /// test set sees only the chosen network). Null or empty (default): <see cref="LearningRate"/> alone.
    /// </summary>
    public IReadOnlyList<double>? LearningRates { get; init; }

    /// <summary>L2 penalty on all parameters (decoupled for AdamW). Default 0.</summary>
    public double WeightDecay { get; init; }

    /// <summary>Momentum for the momentum and Nesterov optimizers. Default 0.9.</summary>
    public double Momentum { get; init; } = 0.9;

    /// <summary>
    /// Early stopping: stop after this many epochs without a better validation accuracy, then restore the best
    /// weights. Null disables early stopping (the last weights are kept). Needs validation data.
    /// </summary>
    public int? Patience { get; init; }

    /// <summary>Arithmetic precision of the forward pass: bfloat16 runs the linear layers' matrix products in bfloat16 on float32 master weights. Default float32.</summary>
    public Pretrain.Pretraining.Layers.Precision Precision { get; init; } = Pretrain.Pretraining.Layers.Precision.Float32;

    /// <summary>Learning-rate schedule. Default none (constant).</summary>
    public LearningRateSchedule Schedule { get; init; } = LearningRateSchedule.None;

    /// <summary>Decay factor of the step (default 0.1) and exponential (default 0.95) schedules.</summary>
    public double? ScheduleGamma { get; init; }

    /// <summary>Epochs between decays of the step schedule. Default 10.</summary>
    public int ScheduleStepEpochs { get; init; } = 10;

    /// <summary>L1 penalty on the weights (not the biases), added to the loss. Default 0.</summary>
    public double L1 { get; init; }

    /// <summary>Clip the global gradient norm to this value before each step; null (default) does not clip.</summary>
    public double? ClipGradientNorm { get; init; }

    /// <summary>Clip every gradient element to [-v, v] before each step; null (default) does not clip.</summary>
    public double? ClipGradientValue { get; init; }

    /// <summary>Max-norm constraint: after each step, rescale any unit's incoming weight vector longer than this; null (default) does not.</summary>
    public double? MaxNorm { get; init; }

    /// <summary>
    /// Gradual unfreezing (ULMFiT): training starts with only the top layer trainable and one more layer below is
    /// unfrozen every this many epochs (the optimizer is rebuilt then). Null (default) leaves freezing as it is.
    /// </summary>
    public int? UnfreezeEveryEpochs { get; init; }

    /// <summary>
    /// Train first, then fine-tune everything (Keras's two-phase transfer learning; LP-FT, Kumar et al. 2022): the
    /// layers frozen when training starts (<c>model.freezeLayers</c>) become trainable after this many epochs, so the new
    /// layers first learn on fixed pretrained features and do not send large random gradients into them; the optimizer
    /// is rebuilt then. Null (default) leaves frozen layers frozen. Not with <see cref="UnfreezeEveryEpochs"/>.
    /// </summary>
    public int? UnfreezeAfterEpochs { get; init; }

    /// <summary>
    /// Discriminative learning rates: each layer trains at this fraction of the rate of the layer above it (the top
    /// layer at <see cref="LearningRate"/>); ULMFiT uses 1/2.6. Default 1 (one rate for all).
    /// </summary>
    public double LayerLearningRateFactor { get; init; } = 1;

    /// <summary>
    /// Random shifts, flips and erasures of the training images, drawn anew every epoch; null (default) trains on the
    /// images as they are. Augmentation changes the network's input, so frozen bottom layers are not cached with it.
    /// </summary>
    public Augmentation.ImageAugmentationOptions? Augmentation { get; init; }

    /// <summary>Every value out of range, each with its field's path (e.g. <c>learningRates[1]</c>).</summary>
    public IEnumerable<OptionProblem> Problems()
    {
        if (Epochs <= 0) yield return new("epochs", $"expected a positive integer, received {Epochs}.");
        if (BatchSize <= 0) yield return new("batchSize", $"expected a positive integer, received {BatchSize}.");
        if (!(LearningRate > 0 && double.IsFinite(LearningRate))) yield return new("learningRate", $"expected a positive number, received {LearningRate}.");
        if (!(WeightDecay >= 0)) yield return new("weightDecay", $"expected a number >= 0, received {WeightDecay}.");
        if (Momentum is not (>= 0 and < 1)) yield return new("momentum", $"expected a number in [0, 1), received {Momentum}.");
        if (Patience is <= 0) yield return new("patience", $"expected a positive integer or null, received {Patience}.");
        for (var i = 0; i < (LearningRates?.Count ?? 0); i++)
        {
            var rate = LearningRates![i];
            if (!(rate > 0 && double.IsFinite(rate))) yield return new($"learningRates[{i}]", $"expected a positive number, received {rate}.");
        }
        if (ScheduleStepEpochs <= 0) yield return new("scheduleStepEpochs", $"expected a positive integer, received {ScheduleStepEpochs}.");
        if (ScheduleGamma is not (null or > 0 and <= 1)) yield return new("scheduleGamma", $"expected a number in (0, 1] or null, received {ScheduleGamma}.");
        if (!(L1 >= 0)) yield return new("l1", $"expected a number >= 0, received {L1}.");
        if (ClipGradientNorm is not (null or > 0)) yield return new("clipGradientNorm", $"expected a positive number or null, received {ClipGradientNorm}.");
        if (ClipGradientValue is not (null or > 0)) yield return new("clipGradientValue", $"expected a positive number or null, received {ClipGradientValue}.");
        if (MaxNorm is not (null or > 0)) yield return new("maxNorm", $"expected a positive number or null, received {MaxNorm}.");
        if (UnfreezeEveryEpochs is <= 0) yield return new("unfreezeEveryEpochs", $"expected a positive integer or null, received {UnfreezeEveryEpochs}.");
        if (UnfreezeAfterEpochs is <= 0) yield return new("unfreezeAfterEpochs", $"expected a positive integer or null, received {UnfreezeAfterEpochs}.");
        else if (UnfreezeAfterEpochs is not null && UnfreezeEveryEpochs is not null)
            yield return new("unfreezeAfterEpochs", "expected null with unfreezeEveryEpochs: gradual unfreezing already decides when each layer trains.");
        if (LayerLearningRateFactor is not (> 0 and <= 1)) yield return new("layerLearningRateFactor", $"expected a number in (0, 1], received {LayerLearningRateFactor}.");
        foreach (var problem in Augmentation?.Problems() ?? [])
            yield return problem.Under("augmentation");
    }
}
