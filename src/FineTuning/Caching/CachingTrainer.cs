using Microsoft.Extensions.Logging;
using Pretrain.FineTuning.Training;
using Pretrain.Pretraining.Data;
using Pretrain.Pretraining.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Caching;

/// <summary>
/// Supervised training that, when the bottom of the network is frozen and deterministic, computes that part's outputs
/// once per data set and trains only the layers above on them: the big speed-up of transfer learning. The log says
/// which layers were cached, or why none could be.
/// </summary>
public sealed class CachingTrainer
{
    private readonly SupervisedTrainingOptions _options;

    /// <summary>Creates a trainer with <paramref name="options"/>.</summary>
    public CachingTrainer(SupervisedTrainingOptions options) => _options = options ?? throw new ArgumentNullException(nameof(options));

    /// <summary>When false, never caches (to measure what caching saves). Default true.</summary>
    public bool CacheFrozenLayers { get; init; } = true;

    /// <summary>Trains <paramref name="network"/> like <see cref="SupervisedTrainer.Fit"/>, caching its frozen bottom when it can.</summary>
    public TrainingHistory Fit(Sequential network, Dataset train, Dataset? validation, RunContext context, ITrainingCallback? callback = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(context);
        var trainer = new SupervisedTrainer(_options);
        var plan = FrozenPrefix.Find(network);
        var why = !CacheFrozenLayers ? "caching is switched off"
            : _options.UnfreezeEveryEpochs is not null ? "gradual unfreezing changes which layers are frozen"
            : plan.Length == 0 ? plan.Reason : null;
        if (why is not null)
        {
            context.Logger.LogInformation("Not caching frozen-layer outputs: {Reason}", why);
            return trainer.Fit(network, train, validation, context, callback);
        }

        var (frozen, trainable) = FrozenPrefix.Split(network, plan.Length);
        using (frozen)
        using (trainable)
        {
            var names = string.Join(", ", network.named_children().Take(plan.Length).Select(c => c.name));
            context.Logger.LogInformation("Caching the outputs of the frozen layers {Layers} once ({Reason} above them)", names, plan.Reason);
            frozen.eval();
            using var cachedTrain = Encode(frozen, train, context);
            using var cachedValidation = validation is null ? null : Encode(frozen, validation, context);
            var history = trainer.Fit(trainable, cachedTrain, cachedValidation, context, callback);
            network.eval();
            return history;
        }
    }

    private static Dataset Encode(nn.Module<Tensor, Tensor> frozen, Dataset data, RunContext context)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var parts = new List<Tensor>();
        for (long start = 0; start < data.Count; start += 4096)
            parts.Add(frozen.forward(data.Features.narrow(0, start, Math.Min(4096, data.Count - start)).to(context.Device)));
        return data.WithFeatures(cat(parts, 0).MoveToOuterDisposeScope());
    }
}
