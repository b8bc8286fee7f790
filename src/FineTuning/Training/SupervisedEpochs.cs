using Microsoft.Extensions.Logging;
using System.Text.Json;
using Pretrain.FineTuning.Augmentation;
using Pretrain.FineTuning.Evaluation;
using Pretrain.FineTuning.Freezing;
using Pretrain.FineTuning.Networks;
using Pretrain.Pretraining.Data;
using Pretrain.Pretraining.Runtime;
using Pretrain.Pretraining.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Training;

/// <summary>
/// One epoch of supervised training for the <see cref="EpochLoop"/>: cross-entropy minibatch backprop with the
/// options' schedule, penalties, clipping and constraints, then the validation loss and accuracy. Owns the optimizer,
/// which it rebuilds when gradual unfreezing changes the trainable set, and checkpoints it with the shuffling generator.
/// The batches come from an <see cref="ILabeledInput"/> (in memory or streamed from shards), all drawn from the one
/// shuffling generator, so the checkpointed generator state fixes the next epoch's order on either kind of input.
/// With a <see cref="ConsistencyInput"/> (see <see cref="ConsistencyRegularization"/>) an epoch is a pass over the unlabeled examples instead, each of their
/// batches beside a labeled batch drawn from the labeled examples, which are reshuffled whenever they run out.
/// </summary>
internal sealed class SupervisedEpochs : IEpochBody, IDisposable
{
    private readonly nn.Module<Tensor, Tensor> _model;
    private readonly SupervisedTrainingOptions _options;
    private readonly LayerGroups _groups;
    private readonly TrainableSchedule _schedule;
    private readonly ILabeledInput _train;
    private readonly ILabeledInput? _validation;
    private readonly RunContext _context;
    private readonly Generator _shuffling;
    private readonly ImageAugmenter? _augmenter;
    private readonly Generator _augmenting;
    private readonly ConsistencyRegularization? _consistency;
    private readonly WeightAverage? _average;
    private optim.Optimizer _optimizer;
    private double[] _baseRates;

    public SupervisedEpochs(nn.Module<Tensor, Tensor> model, SupervisedTrainingOptions options, ILabeledInput train, ILabeledInput? validation, RunContext context,
        ConsistencyInput? consistency = null)
    {
        (_model, _options, _train, _validation, _context) = (model, options, train, validation, context);
        BFloat16Speed.WarnIfSlow(options.Precision, context, "fine-tuning");
        _groups = LayerGroups.Of(model);
        _schedule = new TrainableSchedule(_groups, options);
        _schedule.Apply(epoch: 1, context);
        _shuffling = context.CreateGenerator(RandomStream.SupervisedShuffle);
        _augmenter = CreateAugmenter(options, train);
        _augmenting = context.CreateGenerator(RandomStream.SupervisedAugmentation);
        _consistency = consistency is null ? null : new ConsistencyRegularization(consistency.Options, consistency.Unlabeled.Features, train.SampleShape, context);
        (_optimizer, _baseRates) = CreateOptimizer();
        Weights = model.state_dict();
        if (consistency?.Options.AverageDecay is double decay)
            _average = new WeightAverage(Weights, decay);
        Fingerprint = JsonSerializer.Serialize(options) + (_consistency is null ? "" : $" consistency {_consistency.Count}x{_consistency.Ratio}")
            + (_average is null ? "" : $" average {consistency!.Options.AverageDecay}") + " " + string.Join(",", Weights.Select(w => $"{w.Key}[{string.Join("x", w.Value.shape)}]"));
    }

    public IReadOnlyDictionary<string, Tensor> Weights { get; }

    public string Fingerprint { get; }

    public int BatchesPerEpoch => _consistency is null
        ? (int)((_train.Count + _options.BatchSize - 1) / _options.BatchSize)
        : (int)((_consistency.Count + UnlabeledBatchSize - 1) / UnlabeledBatchSize);

    private int UnlabeledBatchSize => _options.BatchSize * (_consistency?.Ratio ?? 0);

    public IReadOnlyDictionary<string, double> RunEpoch(int epoch, Action onBatchEnd)
    {
        if (_schedule.Apply(epoch, _context))
            RebuildOptimizer();
        var (trainLoss, skipped, labeledShare) = TrainEpoch(epoch, onBatchEnd);
        var metrics = new Dictionary<string, double> { ["trainLoss"] = trainLoss };
        if (_consistency is not null)
            metrics["pseudoLabeledShare"] = labeledShare;
        // Reported only when it happened, so ordinary runs keep their usual metrics.
        if (skipped > 0)
            metrics["skippedBatches"] = skipped;
        if (_validation is not null)
        {
            var report = ClassificationEvaluator.Evaluate(_model, _validation, _context.Device, _options.BatchSize);
            metrics["validationLoss"] = report.Loss;
            metrics["validationAccuracy"] = report.Accuracy;
        }
        return metrics;
    }

    public void SaveState(int epoch, TrainingState state)
    {
        state.AddOptimizer("optimizer", _optimizer);
        state.AddGenerator("shuffling", _shuffling);
        if (_augmenter is not null)
            state.AddGenerator("augmentation", _augmenting);
        if (_consistency is not null)
        {
            state.AddGenerator("consistencyShuffling", _consistency.Shuffling);
            state.AddGenerator("consistencyAugmentation", _consistency.Augmenting);
        }
        _average?.Save(state);
        var dropouts = SeededDropout.In(_model);
        for (var i = 0; i < dropouts.Count; i++)
            state.AddGenerator($"dropout{i}", dropouts[i].Generator);
    }

    public void LoadState(int epoch, TrainingState state)
    {
        // The trainable set of the checkpointed epoch first, so the optimizer has the same parameter groups as the saved one.
        if (_schedule.Apply(epoch, _context))
            RebuildOptimizer();
        state.LoadOptimizer("optimizer", _optimizer);
        state.LoadGenerator("shuffling", _shuffling);
        if (_augmenter is not null)
            state.LoadGenerator("augmentation", _augmenting);
        if (_consistency is not null)
        {
            state.LoadGenerator("consistencyShuffling", _consistency.Shuffling);
            state.LoadGenerator("consistencyAugmentation", _consistency.Augmenting);
        }
        _average?.Load(state);
        var dropouts = SeededDropout.In(_model);
        for (var i = 0; i < dropouts.Count; i++)
            state.LoadGenerator($"dropout{i}", dropouts[i].Generator);
    }

    public void Dispose()
    {
        _optimizer.Dispose();
        _shuffling.Dispose();
        _augmenting.Dispose();
        _consistency?.Dispose();
        _average?.Dispose();
    }

    /// <summary>The augmenter the options ask for, or null; refuses examples that are not images.</summary>
    private static ImageAugmenter? CreateAugmenter(SupervisedTrainingOptions options, ILabeledInput train)
    {
        if (options.Augmentation is not { IsActive: true } augmentation)
            return null;
        var image = Pretrain.Pretraining.Layers.SampleShapes.AsImage(train.SampleShape)
            ?? throw new Pretrain.Pretraining.PretrainException(
                $"training.augmentation: shifts, flips and erasing change images, but the examples of {train.Source} have the shape [{string.Join(", ", train.SampleShape)}]; give the data an image shape ([H, W] or [C, H, W]).");
        return new ImageAugmenter(augmentation, image);
    }

    /// <summary>A fresh optimizer over the new trainable set, so no stale state refers to frozen parameters.</summary>
    private void RebuildOptimizer()
    {
        _optimizer.Dispose();
        (_optimizer, _baseRates) = CreateOptimizer();
    }

    /// <summary>
    /// An optimizer over the trainable parameters only (frozen ones stay out, so weight decay and momentum never touch
    /// them), one group per layer when learning rates differ by depth; with the groups' base rates, which the schedule scales.
    /// </summary>
    private (optim.Optimizer, double[]) CreateOptimizer()
    {
        optim.Optimizer optimizer;
        if (_options.LayerLearningRateFactor == 1 || _groups.Count == 0)
            optimizer = Optimizers.Create(_options.Optimizer, _model.parameters().Where(p => p.requires_grad), _options.LearningRate, _options.WeightDecay, _options.Momentum);
        else
        {
            optimizer = Optimizers.Create(_options.Optimizer, _groups.TrainableWithRates(_options.LearningRate, _options.LayerLearningRateFactor),
                _options.WeightDecay, _options.Momentum);
            _context.Logger.LogInformation("Learning rates by layer (x{Factor} a layer down from the top): {Rates}",
                _options.LayerLearningRateFactor, _groups.DescribeRates(_options.LearningRate, _options.LayerLearningRateFactor));
        }
        return (optimizer, optimizer.ParamGroups.Select(g => g.LearningRate).ToArray());
    }

    private (double Loss, int Skipped, double LabeledShare) TrainEpoch(int epoch, Action onBatchEnd)
    {
        var skipped = 0;
        var batches = BatchesPerEpoch;
        _model.train();
        _average?.ResumeTraining();
        double lossSum = 0, shareSum = 0;
        var batch = 0;
        foreach (var (features, y, unlabeled) in TrainingBatches())
        {
            _context.Cancellation.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var x = _augmenter is null ? features : _augmenter.Apply(features, _augmenting);
            SetLearningRates(LearningRateSchedules.Factor(_options.Schedule, epoch, (double)batch / batches, _options.Epochs, _options.ScheduleGamma, _options.ScheduleStepEpochs));
            _optimizer.zero_grad();
            Tensor loss;
            IDisposable? afterBackward = null;
            if (unlabeled is null)
                loss = nn.functional.cross_entropy(MixedPrecision.Forward(_model, x, _options.Precision), y);
            else
            {
                (loss, var share, afterBackward) = _consistency!.Loss(_model, x, y, unlabeled, _options.Precision);
                shareSum += share;
            }
            if (_options.L1 > 0)
                loss = loss + _options.L1 * Weights2D().Select(w => w.abs().sum()).Aggregate((a, b) => a + b);
            loss.backward();
            afterBackward?.Dispose();
            var trainable = _model.parameters().Where(p => p.requires_grad).ToList();
            if (_options.ClipGradientValue is double value)
                nn.utils.clip_grad_value_(trainable, value);
            if (_options.ClipGradientNorm is double norm)
                nn.utils.clip_grad_norm_(trainable, norm);
            if (!FiniteUpdate.Allowed(loss, trainable))
            {
                skipped++;
                onBatchEnd();
                continue;
            }
            _optimizer.step();
            if (_options.MaxNorm is double maxNorm)
                ApplyMaxNorm(maxNorm);
            _average?.Update();
            lossSum += loss.item<float>();
            batch++;
            onBatchEnd();
        }
        _average?.ShowAverage();
        return (batch == 0 ? double.NaN : lossSum / batch, skipped, batch == 0 ? double.NaN : shareSum / (batch + skipped));
    }

    /// <summary>
    /// The epoch's batches: the labeled ones once each, or with consistency training every unlabeled batch beside the
    /// next labeled one (starting the labeled examples over, in a new order, whenever they run out).
    /// </summary>
    private IEnumerable<(Tensor Features, Tensor Labels, Tensor? Unlabeled)> TrainingBatches()
    {
        if (_consistency is null)
        {
            foreach (var (x, y) in _train.LabeledBatches(_options.BatchSize, _shuffling, _context.Device))
                yield return (x, y, null);
            yield break;
        }
        using var labeled = EndlessLabeledBatches().GetEnumerator();
        foreach (var unlabeled in _consistency.Batches(UnlabeledBatchSize, _context.Device))
        {
            labeled.MoveNext();
            yield return (labeled.Current.Features, labeled.Current.Labels, unlabeled);
        }
    }

    private IEnumerable<(Tensor Features, Tensor Labels)> EndlessLabeledBatches()
    {
        while (true)
            foreach (var batch in _train.LabeledBatches(_options.BatchSize, _shuffling, _context.Device))
                yield return batch;
    }

    private void SetLearningRates(double factor)
    {
        var i = 0;
        foreach (var group in _optimizer.ParamGroups)
            group.LearningRate = _baseRates[i++] * factor;
    }

    /// <summary>The 2-D weight matrices of the trainable layers (biases are not penalized or constrained).</summary>
    private IEnumerable<TorchSharp.Modules.Parameter> Weights2D() =>
        _model.named_parameters().Where(p => p.parameter.requires_grad && p.parameter.dim() == 2).Select(p => p.parameter);

    /// <summary>Rescales each row (a unit's incoming weights) whose L2 norm exceeds <paramref name="maxNorm"/> back to it.</summary>
    private void ApplyMaxNorm(double maxNorm)
    {
        using var _ = no_grad();
        foreach (var weight in Weights2D())
        {
            using var scope = NewDisposeScope();
            var norms = weight.norm(1, keepdim: true, p: 2).clamp_min(1e-12);
            weight.mul_(norms.clamp_max(maxNorm) / norms);
        }
    }
}
