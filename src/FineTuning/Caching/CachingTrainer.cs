using Microsoft.Extensions.Logging;
using Pretrain.FineTuning.Training;
using Pretrain.Pretraining.Data;
using Pretrain.Pretraining.Runtime;
using Pretrain.Pretraining.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Caching;

/// <summary>
/// Supervised training that, when the bottom of the network is frozen and deterministic, computes that part's outputs
/// once per data set and trains only the layers above on them: the big speed-up of transfer learning. The log says
/// which layers were cached, or why none could be. Only examples in memory are cached. Where the outputs cannot be kept
/// but still depend on the rows alone (caching switched off, examples streamed from shards, soft targets), the layers
/// above train on them computed anew every epoch, several batches at a time (<see cref="FrozenOutputInput"/>); where
/// they change from batch to batch (augmentation, consistency training, unfreezing), the whole network runs on every batch.
/// </summary>
public sealed class CachingTrainer
{
    private readonly SupervisedTrainingOptions _options;

    /// <summary>Creates a trainer with <paramref name="options"/>.</summary>
    public CachingTrainer(SupervisedTrainingOptions options) => _options = options ?? throw new ArgumentNullException(nameof(options));

    /// <summary>When false, never caches (to measure what caching saves): the frozen outputs are computed anew every epoch. Default true.</summary>
    public bool CacheFrozenLayers { get; init; } = true;

    /// <summary>
    /// Trains <paramref name="network"/> like <see cref="SupervisedTrainer.Fit"/> (checkpointing to and resuming from
    /// <paramref name="checkpoint"/> when given), caching its frozen bottom when it can.
    /// </summary>
    public TrainingHistory Fit(Sequential network, ILabeledInput train, ILabeledInput? validation, RunContext context, ITrainingCallback? callback = null,
        EpochCheckpoint? checkpoint = null, ConsistencyInput? consistency = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(context);
        var trainer = new SupervisedTrainer(_options);
        var plan = FrozenPrefix.Find(network);
        var why = !CacheFrozenLayers ? "caching is switched off"
            : _options.UnfreezeEveryEpochs is not null ? "gradual unfreezing changes which layers are frozen"
            : _options.UnfreezeAfterEpochs is not null ? "the frozen layers are unfrozen after training.unfreezeAfterEpochs"
            : consistency is not null && plan.Length > 0 ? "consistency training changes the unlabeled images every batch, so the frozen layers' outputs change too"
            : _options.Augmentation is { IsActive: true } && plan.Length > 0 ? "augmentation changes the inputs every epoch, so the frozen layers' outputs change too"
            : plan.Length == 0 ? plan.Reason
            : train is SoftLabeledExamples ? "the examples carry soft targets (distillation), which the cache does not keep"
            : train is not Dataset || validation is not (null or Dataset) ? "the examples are streamed from shards"
            : null;
        // Whether the bottom's outputs stay a function of the rows alone, so that where they cannot be kept they can at
        // least be computed several batches at a time (FrozenOutputInput) rather than inside every batch's forward pass.
        var rowsAlone = plan.Length > 0 && consistency is null && _options.UnfreezeEveryEpochs is null && _options.UnfreezeAfterEpochs is null
            && _options.Augmentation is not { IsActive: true };
        if (why is not null && !rowsAlone)
        {
            context.Logger.LogInformation("Not caching frozen-layer outputs: {Reason}", why);
            return trainer.Fit(network, train, validation, context, callback, checkpoint, consistency);
        }

        var (frozen, trainable) = FrozenPrefix.Split(network, plan.Length);
        using (frozen)
        using (trainable)
        {
            var names = string.Join(", ", network.named_children().Take(plan.Length).Select(c => c.name));
            if (why is not null)
                return FitOnRecomputedOutputs(network, frozen, trainable, names, why, trainer, train, validation, context, callback, checkpoint);
            var trainRows = (Dataset)train;
            context.Logger.LogInformation("Caching the outputs of the frozen layers {Layers} once ({Reason} above them)", names, plan.Reason);
            frozen.eval();
            using var cachedTrain = Encode(frozen, trainRows, context);
            using var cachedValidation = validation is Dataset validationRows ? Encode(frozen, validationRows, context) : null;
            var history = trainer.Fit(trainable, cachedTrain, cachedValidation, context, callback, checkpoint);
            network.eval();
            return history;
        }
    }

    /// <summary>
    /// Trains the layers above the frozen bottom on its outputs computed anew every epoch, several batches a pass
    /// (<see cref="FrozenOutputInput"/>), where they cannot be kept: the same training as running the whole network
    /// batch by batch, without the frozen layers' small products.
    /// </summary>
    private static TrainingHistory FitOnRecomputedOutputs(Sequential network, ModuleSlice frozen, ModuleSlice trainable, string names, string why,
        SupervisedTrainer trainer, ILabeledInput train, ILabeledInput? validation, RunContext context, ITrainingCallback? callback, EpochCheckpoint? checkpoint)
    {
        frozen.eval();
        var throughFrozen = new FrozenOutputInput(train, frozen);
        var validationThroughFrozen = validation is null ? null : new FrozenOutputInput(validation, frozen);
        context.Logger.LogInformation("Not caching frozen-layer outputs: {Reason}; computing the outputs of {Layers} anew every epoch, {Rows} rows at a time",
            why, names, throughFrozen.RowsPerPass);
        var history = trainer.Fit(trainable, throughFrozen, validationThroughFrozen, context, callback, checkpoint);
        network.eval();
        return history;
    }

    private static Dataset Encode(nn.Module<Tensor, Tensor> frozen, Dataset data, RunContext context)
    {
        var features = new ChunkedEncoder().Encode(data.Features, frozen.forward, context.Device);
        context.Logger.LogInformation("Cached {Count} x {Width} frozen-layer outputs of {Source} on {Device}", features.shape[0], features.shape[1], data.Source, features.device);
        return data.WithFeatures(features);
    }
}
