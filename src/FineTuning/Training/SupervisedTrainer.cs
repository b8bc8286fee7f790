using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Pretrain.FineTuning.Evaluation;
using Pretrain.FineTuning.Freezing;
using Pretrain.Pretraining.Data;
using Pretrain.Pretraining.Runtime;
using Pretrain.Pretraining.Validation;
using TorchSharp;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Training;

/// <summary>
/// Trains a classifier (any module mapping float32 [B, D] to logits [B, C]) with cross-entropy by minibatch
/// backprop, with optional early stopping on validation accuracy that restores the best weights.
/// </summary>
public sealed class SupervisedTrainer
{
    private const string Stage = "supervised";
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
    /// <paramref name="callback"/>. The model must already be on <see cref="RunContext.Device"/>.
    /// Throws <see cref="OperationCanceledException"/> when the context's token is cancelled (checked every batch).
    /// </summary>
    public TrainingHistory Fit(nn.Module<Tensor, Tensor> model, Dataset train, Dataset? validation, RunContext context, ITrainingCallback? callback = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(context);
        if (train.Labels is null)
            throw new ArgumentException($"{train.Source}: supervised training needs labels.", nameof(train));
        if (_options.Patience is not null && validation is null)
            throw new ArgumentException("early stopping (patience) needs validation data.", nameof(validation));

        var groups = LayerGroups.Of(model);
        var schedule = new TrainableSchedule(groups, _options);
        schedule.Apply(epoch: 1, context);
        var optimizer = CreateOptimizer(model, groups);
        // The schedule scales these rates; they are read once per optimizer, before any scaling.
        var baseRates = optimizer.ParamGroups.Select(g => g.LearningRate).ToArray();
        using var shuffling = context.CreateGenerator(stream: 1);
        var batches = (int)((train.Count + _options.BatchSize - 1) / _options.BatchSize);
        callback?.OnFitStart(Stage, _options.Epochs, batches);

        var history = new List<EpochMetrics>();
        using var best = new BestWeights();
        var stale = 0;
        var stoppedEarly = false;
        try
        {
            for (var epoch = 1; epoch <= _options.Epochs; epoch++)
            {
                if (schedule.Apply(epoch, context))
                {
                    // The trainable set changed: a fresh optimizer over it, so no stale state refers to frozen parameters.
                    optimizer.Dispose();
                    optimizer = CreateOptimizer(model, groups);
                    baseRates = optimizer.ParamGroups.Select(g => g.LearningRate).ToArray();
                }
                var clock = Stopwatch.StartNew();
                var trainLoss = RunEpoch(model, optimizer, baseRates, train, shuffling, context, epoch, callback);
                ClassificationReport? report = validation is null ? null : ClassificationEvaluator.Evaluate(model, validation, context.Device, _options.BatchSize);
                var metrics = new EpochMetrics(epoch, trainLoss, report?.Loss, report?.Accuracy, clock.Elapsed.TotalSeconds);
                history.Add(metrics);
                context.Logger.LogInformation("Epoch {Epoch}/{Epochs} train loss {TrainLoss:F4} validation loss {ValidationLoss:F4} accuracy {ValidationAccuracy:P2} ({Seconds:F1} s)",
                    epoch, _options.Epochs, trainLoss, report?.Loss, report?.Accuracy, metrics.Seconds);
                callback?.OnEpochEnd(metrics.ToReport(Stage));

                if (report is null || best.Offer(model, epoch, report.Accuracy, report.Loss))
                    stale = 0;
                else if (_options.Patience is int patience && ++stale >= patience)
                {
                    stoppedEarly = true;
                    context.Logger.LogInformation("Early stopping after epoch {Epoch}: no better validation accuracy for {Patience} epochs", epoch, patience);
                    break;
                }
            }
        }
        finally
        {
            optimizer.Dispose();
        }

        var bestEpoch = history.Count;
        if (_options.Patience is not null && best.Epoch > 0)
        {
            best.Restore(model);
            bestEpoch = best.Epoch;
            context.Logger.LogInformation("Restored the weights of epoch {Epoch} (best validation accuracy {Accuracy:P2})", best.Epoch, best.Accuracy);
        }
        var result = new TrainingHistory(history, bestEpoch, stoppedEarly);
        callback?.OnFitEnd(Stage);
        return result;
    }

    /// <summary>
    /// An optimizer over the trainable parameters only (frozen ones stay out, so weight decay and momentum never touch
    /// them), one group per layer when learning rates differ by depth.
    /// </summary>
    private optim.Optimizer CreateOptimizer(nn.Module<Tensor, Tensor> model, LayerGroups groups)
    {
        if (_options.LayerLearningRateFactor == 1 || groups.Count == 0)
            return Optimizers.Create(_options.Optimizer, model.parameters().Where(p => p.requires_grad), _options.LearningRate, _options.WeightDecay, _options.Momentum);
        var perLayer = groups.Groups
            .Select((g, i) => (Parameters: (IReadOnlyList<TorchSharp.Modules.Parameter>)g.Parameters.Where(p => p.requires_grad).ToList(),
                LearningRate: _options.LearningRate * Math.Pow(_options.LayerLearningRateFactor, groups.Count - 1 - i)))
            .Where(g => g.Parameters.Count > 0)
            .ToList();
        return Optimizers.Create(_options.Optimizer, perLayer, _options.WeightDecay, _options.Momentum);
    }

    private static void SetLearningRates(optim.Optimizer optimizer, double[] baseRates, double factor)
    {
        var i = 0;
        foreach (var group in optimizer.ParamGroups)
            group.LearningRate = baseRates[i++] * factor;
    }

    /// <summary>The 2-D weight matrices of the trainable layers (biases are not penalized or constrained).</summary>
    private static IEnumerable<TorchSharp.Modules.Parameter> Weights(nn.Module<Tensor, Tensor> model) =>
        model.named_parameters().Where(p => p.parameter.requires_grad && p.parameter.dim() == 2).Select(p => p.parameter);

    /// <summary>Rescales each row (a unit's incoming weights) whose L2 norm exceeds <paramref name="maxNorm"/> back to it.</summary>
    private static void ApplyMaxNorm(nn.Module<Tensor, Tensor> model, double maxNorm)
    {
        using var _ = no_grad();
        foreach (var weight in Weights(model))
        {
            using var scope = NewDisposeScope();
            var norms = weight.norm(1, keepdim: true, p: 2).clamp_min(1e-12);
            weight.mul_(norms.clamp_max(maxNorm) / norms);
        }
    }

    private double RunEpoch(nn.Module<Tensor, Tensor> model, optim.Optimizer optimizer, double[] baseRates, Dataset train, Generator shuffling, RunContext context, int epoch, ITrainingCallback? callback)
    {
        var batches = (train.Count + _options.BatchSize - 1) / _options.BatchSize;
        model.train();
        using var order = randperm(train.Count, generator: shuffling);
        double lossSum = 0;
        var batch = 0;
        for (long start = 0; start < train.Count; start += _options.BatchSize)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var rows = order.narrow(0, start, Math.Min(_options.BatchSize, train.Count - start)).to(train.Device);
            var x = train.Features.index_select(0, rows).to(context.Device);
            var y = train.Labels!.index_select(0, rows).to(context.Device);
            SetLearningRates(optimizer, baseRates, LearningRateSchedules.Factor(_options.Schedule, epoch, (double)batch / batches, _options.Epochs, _options.ScheduleGamma, _options.ScheduleStepEpochs));
            optimizer.zero_grad();
            var loss = nn.functional.cross_entropy(MixedPrecision.Forward(model, x, _options.Precision), y);
            if (_options.L1 > 0)
                loss = loss + _options.L1 * Weights(model).Select(w => w.abs().sum()).Aggregate((a, b) => a + b);
            loss.backward();
            var trainable = model.parameters().Where(p => p.requires_grad).ToList();
            if (_options.ClipGradientValue is double value)
                nn.utils.clip_grad_value_(trainable, value);
            if (_options.ClipGradientNorm is double norm)
                nn.utils.clip_grad_norm_(trainable, norm);
            optimizer.step();
            if (_options.MaxNorm is double maxNorm)
                ApplyMaxNorm(model, maxNorm);
            lossSum += loss.item<float>();
            batch++;
            callback?.OnBatchEnd(epoch, batch);
        }
        return lossSum / batch;
    }
}
