using Microsoft.Extensions.Logging;
using Pretrain.Pretraining.Data;
using Pretrain.Pretraining.Runtime;
using Pretrain.Pretraining.Training;
using Pretrain.Pretraining.Validation;
using TorchSharp;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Training;

/// <summary>
/// Trains a classifier (any module mapping float32 [B, D] to logits [B, C]) with cross-entropy by minibatch
/// backprop, with optional early stopping on validation accuracy that restores the best weights. The epochs run on the
/// shared <see cref="EpochLoop"/>; one epoch's update rule is <see cref="SupervisedEpochs"/>.
/// </summary>
public sealed class SupervisedTrainer
{
    private const string Stage = "supervised";
    private const string ConsistencyStage = "consistency";
    private readonly SupervisedTrainingOptions _options;

    /// <summary>Creates a trainer with <paramref name="options"/>.</summary>
    /// <exception cref="InvalidOptionsException">The options have problems; the message lists them all.</exception>
    public SupervisedTrainer(SupervisedTrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfInvalid("supervised training");
        _options = options;
    }

    /// <summary>
    /// Trains <paramref name="model"/> in place on <paramref name="train"/> and reports every epoch to
    /// <paramref name="callback"/>. The model must already be on <see cref="RunContext.Device"/>. The examples may be
    /// in memory (a <see cref="Dataset"/>, shuffled uniformly each epoch) or streamed from shards
    /// (<see cref="Pretrain.Pretraining.Data.Shards.ShardedLayerInput"/>, shuffled through its window); validation is
    /// evaluated in batches either way. With a
    /// <paramref name="checkpoint"/>, the state after every epoch (weights, optimizer, shuffling and dropout generators,
    /// early-stopping state, freeze state) is saved there, and an existing checkpoint is resumed from: a killed run
    /// continues exactly where it stopped. Throws <see cref="OperationCanceledException"/> when the context's token is
    /// cancelled (checked every batch). With <paramref name="consistency"/>, every batch also learns from unlabeled
    /// images (<see cref="ConsistencyOptions"/>), and an epoch is a pass over those.
    /// </summary>
    public TrainingHistory Fit(nn.Module<Tensor, Tensor> model, ILabeledInput train, ILabeledInput? validation, RunContext context, ITrainingCallback? callback = null,
        EpochCheckpoint? checkpoint = null, ConsistencyInput? consistency = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(context);
        if (!train.HasLabels)
            throw new ArgumentException($"{train.Source}: supervised training needs labels.", nameof(train));
        if (validation is { HasLabels: false })
            throw new ArgumentException($"{validation.Source}: validation needs labels.", nameof(validation));
        if (_options.Patience is not null && validation is null)
            throw new ArgumentException("early stopping (patience) needs validation data.", nameof(validation));

        consistency?.Options.ThrowIfInvalid("consistency training");
        if (consistency is not null && consistency.Unlabeled.FeatureCount != train.FeatureCount)
            throw new ArgumentException($"{consistency.Unlabeled.Source}: unlabeled examples have {consistency.Unlabeled.FeatureCount} values, the labeled ones {train.FeatureCount}.", nameof(consistency));
        // A consistency epoch is a pass over the unlabeled examples, never a single batch of the labeled ones.
        if (consistency is null && OneStepEpochs.WarningFor(train.Count, _options.BatchSize, _options.Patience) is { } warning)
            context.Logger.LogWarning("{Stage}: {Warning}", Stage, warning);
        using var epochs = new SupervisedEpochs(model, _options, train, validation, context, consistency);
        var loop = new EpochLoop(new EpochLoopSettings
        {
            Stage = consistency is null ? Stage : ConsistencyStage,
            Epochs = _options.Epochs,
            // Highest validation accuracy, a lower validation loss breaking ties; restored only with early stopping.
            Monitor = validation is null ? null : MonitoredMetric.Highest("validationAccuracy", tieBreaker: "validationLoss"),
            Patience = _options.Patience,
            RestoreBest = _options.Patience is not null,
        });
        var result = loop.Run(epochs, context, epochs.BatchesPerEpoch, callback, checkpoint);
        return new TrainingHistory(result.Epochs.Select(EpochMetrics.From).ToList(), result.BestEpoch, result.StoppedEarly);
    }
}
