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
/// which layers were cached, or why none could be. Only examples in memory are cached: on examples streamed from shards
/// the frozen layers run on every batch, as they do without caching.
/// </summary>
public sealed class CachingTrainer
{
    private readonly SupervisedTrainingOptions _options;

    /// <summary>Creates a trainer with <paramref name="options"/>.</summary>
    public CachingTrainer(SupervisedTrainingOptions options) => _options = options ?? throw new ArgumentNullException(nameof(options));

    /// <summary>When false, never caches (to measure what caching saves). Default true.</summary>
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
            : train is SoftLabeledExamples ? "the examples carry soft targets (distillation), which the cache does not keep, so the frozen layers run on every batch"
            : train is not Dataset || validation is not (null or Dataset) ? "the examples are streamed from shards, so the frozen layers run on every batch"
            : null;
        if (why is not null || train is not Dataset trainRows)
        {
            context.Logger.LogInformation("Not caching frozen-layer outputs: {Reason}", why);
            return trainer.Fit(network, train, validation, context, callback, checkpoint, consistency);
        }

        var (frozen, trainable) = FrozenPrefix.Split(network, plan.Length);
        using (frozen)
        using (trainable)
        {
            var names = string.Join(", ", network.named_children().Take(plan.Length).Select(c => c.name));
            context.Logger.LogInformation("Caching the outputs of the frozen layers {Layers} once ({Reason} above them)", names, plan.Reason);
            frozen.eval();
            using var cachedTrain = Encode(frozen, trainRows, context);
            using var cachedValidation = validation is Dataset validationRows ? Encode(frozen, validationRows, context) : null;
            var history = trainer.Fit(trainable, cachedTrain, cachedValidation, context, callback, checkpoint);
            network.eval();
            return history;
        }
    }

    private static Dataset Encode(nn.Module<Tensor, Tensor> frozen, Dataset data, RunContext context)
    {
        var features = new ChunkedEncoder().Encode(data.Features, frozen.forward, context.Device);
        context.Logger.LogInformation("Cached {Count} x {Width} frozen-layer outputs of {Source} on {Device}", features.shape[0], features.shape[1], data.Source, features.device);
        return data.WithFeatures(features);
    }
}
