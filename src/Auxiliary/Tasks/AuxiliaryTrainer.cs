using Pretrain.Auxiliary.Encoders;
using Pretrain.FineTuning.Training;
using Pretrain.Pretraining.Layers;
using Pretrain.Pretraining.Runtime;
using Pretrain.Pretraining.Training;
using Pretrain.Pretraining.Validation;
using TorchSharp;
using static TorchSharp.torch;

namespace Pretrain.Auxiliary.Tasks;

/// <summary>
/// Trains an encoder and a task's head with Adam on shuffled batches, and after every epoch scores a held-out part of
/// the data. The held-out corruptions are drawn from the same seed every time, so epoch-to-epoch scores compare like
/// with like.
/// </summary>
public sealed class AuxiliaryTrainer
{
    /// <summary>Creates a trainer.</summary>
    /// <exception cref="InvalidOptionsException">The options have problems; the message lists them all.</exception>
    public AuxiliaryTrainer(AuxiliaryTrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfInvalid("auxiliary training");
        Options = options;
    }

    /// <summary>The training options.</summary>
    public AuxiliaryTrainingOptions Options { get; }

    /// <summary>Trains <paramref name="encoder"/> and the task's head in place and returns the per-epoch history.</summary>
    /// <param name="task">The auxiliary task.</param>
    /// <param name="encoder">The encoder to train.</param>
    /// <param name="data">The good instances, first dimension = instances, on the encoder's device.</param>
    /// <param name="labels">Class labels when the task uses them (same versus different); otherwise null.</param>
    /// <param name="context">Seed, device, logger and cancellation.</param>
    /// <param name="callback">Progress, called once per batch and per epoch.</param>
    public IReadOnlyList<AuxiliaryEpoch> Fit(IAuxiliaryTask task, AuxiliaryEncoder encoder, Tensor data, Tensor? labels, RunContext context, ITrainingCallback? callback = null)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(context);
        if (labels is not null && labels.shape[0] != data.shape[0])
            throw new ArgumentException($"auxiliary training: {labels.shape[0]} labels for {data.shape[0]} instances.");
        var (train, heldOut) = Split(data.shape[0], data.device, context);
        using var trainIndices = train;
        using var heldOutIndices = heldOut;
        var batches = (int)Math.Ceiling(trainIndices.shape[0] / (double)Options.BatchSize);
        return Train(task, encoder, batches,
            shuffle => InMemoryBatches(data, labels, trainIndices, shuffle),
            heldOutIndices.shape[0] >= 2 ? () => Evaluate(task, encoder, data, labels, heldOutIndices, context) : null,
            context, callback);
    }

    /// <summary>
    /// Trains <paramref name="encoder"/> and the task's head in place on examples read batch by batch from
    /// <paramref name="data"/> (shards streamed under a memory budget, for instance), and returns the per-epoch history.
    /// Every example trains; the task is scored after each epoch on <paramref name="heldOut"/>, examples the stream does
    /// not hold, or not at all when it is null.
    /// </summary>
    /// <param name="task">The auxiliary task; it must not need labels.</param>
    /// <param name="encoder">The encoder to train.</param>
    /// <param name="data">The good instances, shuffled each epoch by the trainer's seeded shuffling stream.</param>
    /// <param name="heldOut">Instances to score the task on, on the encoder's device; null for no score.</param>
    /// <param name="context">Seed, device, logger and cancellation.</param>
    /// <param name="callback">Progress, called once per batch and per epoch.</param>
    public IReadOnlyList<AuxiliaryEpoch> Fit(IAuxiliaryTask task, AuxiliaryEncoder encoder, ILayerInput data, Tensor? heldOut, RunContext context, ITrainingCallback? callback = null)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(context);
        if (data.Count < 2)
            throw new ArgumentException($"auxiliary training: {data.Count} instances, at least 2 needed.");
        var batches = (int)Math.Ceiling(data.Count / (double)Options.BatchSize);
        using var everyRow = heldOut is not null && heldOut.shape[0] >= 2 ? arange(heldOut.shape[0], device: heldOut.device) : null;
        return Train(task, encoder, batches,
            shuffle => FlatBatches(data, shuffle, context.Device),
            everyRow is null ? null : () => Evaluate(task, encoder, heldOut!, null, everyRow, context),
            context, callback);
    }

    /// <summary>
    /// The epoch loop both entry points share: Adam over the encoder and head, a batch skipped when its update is not
    /// finite, the held-out score after each epoch, checkpoints and progress through <see cref="EpochLoop"/>.
    /// </summary>
    private List<AuxiliaryEpoch> Train(IAuxiliaryTask task, AuxiliaryEncoder encoder, int batches,
        Func<Generator, IEnumerable<(Tensor Data, Tensor? Labels)>> epochBatches, Func<double>? heldOutScore,
        RunContext context, ITrainingCallback? callback)
    {
        var trainable = encoder.Parameters.Concat(task.HeadParameters).ToList();
        using var optimizer = new ScalarSafeAdam(trainable, Options.LearningRate, Options.WeightDecay);
        using var shuffle = context.CreateGenerator(RandomStream.AuxiliaryShuffle);
        using var corruption = context.CreateGenerator(RandomStream.AuxiliaryCorruption);
        var weights = new Dictionary<string, Tensor>(encoder.State);
        foreach (var (parameter, i) in task.HeadParameters.Select((p, i) => (p, i)))
            weights[$"head.{i}"] = parameter;
        var body = new EpochBody(weights, (epoch, onBatch) =>
        {
            double lossSum = 0;
            long seen = 0;
            var skipped = 0;
            var index = 0;
            foreach (var (batch, labels) in epochBatches(shuffle))
            {
                context.Cancellation.ThrowIfCancellationRequested();
                var progress = (double)index++ / batches;
                if (batch.shape[0] < 2)
                    continue;
                using var scope = NewDisposeScope();
                if (Options.Schedule != LearningRateSchedule.None)
                    optimizer.ParamGroups.First().LearningRate = Options.LearningRate * LearningRateSchedules.Factor(Options.Schedule, epoch, progress, Options.Epochs);
                optimizer.zero_grad();
                var loss = task.Loss(encoder, batch, labels, corruption);
                loss.backward();
                if (!FiniteUpdate.Allowed(loss, trainable))
                {
                    skipped++;
                    onBatch();
                    continue;
                }
                optimizer.step();
                lossSum += loss.item<float>() * batch.shape[0];
                seen += batch.shape[0];
                onBatch();
            }
            var metrics = new Dictionary<string, double> { ["loss"] = seen == 0 ? double.NaN : lossSum / seen, ["skippedBatches"] = skipped };
            if (heldOutScore is not null)
                metrics[task.ScoreName] = heldOutScore();
            return metrics;
        }, $"{task.Name}: {System.Text.Json.JsonSerializer.Serialize(Options)} {encoder.Spec}")
        {
            Optimizer = optimizer,
            Generators = new Dictionary<string, Generator> { ["shuffle"] = shuffle, ["corruption"] = corruption },
        };
        var loop = new EpochLoop(new EpochLoopSettings { Stage = $"auxiliary {task.Name}", Epochs = Options.Epochs });
        var result = loop.Run(body, context, batches, callback);
        return result.Epochs.Select(r => new AuxiliaryEpoch(r.Epoch, r.Metrics["loss"],
            r.Metrics.TryGetValue(task.ScoreName, out var score) ? score : null, r.Seconds)).ToList();
    }

    /// <summary>
    /// One epoch's batches of a stream, each example flattened to a row as the encoder reads them (a stream gives them
    /// in their sample shape); each is disposed when the next is asked for.
    /// </summary>
    private IEnumerable<(Tensor Data, Tensor? Labels)> FlatBatches(ILayerInput data, Generator shuffle, Device device)
    {
        foreach (var batch in data.Batches(Options.BatchSize, shuffle, device))
        {
            using var scope = NewDisposeScope();
            yield return (batch.reshape(batch.shape[0], -1), null);
        }
    }

    /// <summary>
    /// One epoch's batches of the training rows in an order drawn from <paramref name="shuffle"/>; each batch is
    /// disposed when the next is asked for (the contract of <see cref="ILayerInput.Batches"/>).
    /// </summary>
    private IEnumerable<(Tensor Data, Tensor? Labels)> InMemoryBatches(Tensor data, Tensor? labels, Tensor trainIndices, Generator shuffle)
    {
        using var order = trainIndices.index_select(0, randperm(trainIndices.shape[0], generator: shuffle).to(data.device));
        for (long start = 0; start < order.shape[0]; start += Options.BatchSize)
        {
            using var scope = NewDisposeScope();
            var rows = order.narrow(0, start, Math.Min(Options.BatchSize, order.shape[0] - start));
            yield return (data.index_select(0, rows), labels?.index_select(0, rows));
        }
    }

    /// <summary>The task's score on the given rows, with corruptions drawn from a fixed seed.</summary>
    public double Evaluate(IAuxiliaryTask task, AuxiliaryEncoder encoder, Tensor data, Tensor? labels, Tensor rows, RunContext context)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(context);
        using var generator = context.CreateGenerator(RandomStream.AuxiliaryHeldOut);
        using var _ = no_grad();
        double correct = 0;
        long count = 0;
        // Larger batches than training: no gradients are kept, and pair tasks see more partners.
        var size = Math.Max(Options.BatchSize, 512);
        for (long start = 0; start < rows.shape[0]; start += size)
        {
            using var scope = NewDisposeScope();
            var part = rows.narrow(0, start, Math.Min(size, rows.shape[0] - start));
            if (part.shape[0] < 2)
                continue;
            var (c, n) = task.Score(encoder, data.index_select(0, part), labels?.index_select(0, part), generator);
            correct += c;
            count += n;
        }
        return count == 0 ? double.NaN : correct / count;
    }

    private (Tensor Train, Tensor HeldOut) Split(long count, Device device, RunContext context)
    {
        using var generator = context.CreateGenerator(RandomStream.AuxiliarySplit);
        using var permutation = randperm(count, generator: generator);
        var heldOut = (long)Math.Round(count * Options.HeldOutFraction);
        if (count - heldOut < 2)
            throw new ArgumentException($"auxiliary training: {count} instances leave fewer than 2 to train on after holding out {heldOut}.");
        return (permutation.narrow(0, heldOut, count - heldOut).to(device), permutation.narrow(0, 0, heldOut).to(device));
    }
}
