using Microsoft.Extensions.Logging;
using Pretrain.FineTuning.Caching;
using Pretrain.FineTuning.Evaluation;
using Pretrain.FineTuning.Models;
using Pretrain.FineTuning.Networks;
using Pretrain.FineTuning.Training;
using Pretrain.Pretraining.Runtime;
using Pretrain.Pretraining.Training;
using Pretrain.Pretraining.Stacks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pretrain.Recipes.Pipeline;

/// <summary>
/// The supervised stage: trains the recipe's network on the labeled examples (from random weights, or fine-tuning the
/// pretrained stack plus a new head), once per learning rate of <c>training.learningRates</c> when given (keeping the one
/// with the best validation accuracy, all from the same starting weights), and evaluates the kept network once on the
/// test set; then, with a <c>consistency</c> section, trains it on with unlabeled images (<see cref="ConsistencyStep"/>), and
/// with a <c>distillation</c> section distils it into a student (<see cref="DistillationStep"/>).
/// </summary>
internal static class SupervisedStage
{
    /// <summary>What one arm's supervised stage reached.</summary>
    /// <param name="History">The epochs of the kept learning rate.</param>
    /// <param name="Test">The kept network's test report, when there is a test set.</param>
    /// <param name="LearningRate">The kept learning rate.</param>
    /// <param name="Consistency">What consistency training reached, with a <c>consistency</c> section.</param>
    /// <param name="Distilled">What the student reached, with a <c>distillation</c> section.</param>
    internal sealed record SupervisedOutcome(TrainingHistory History, ClassificationReport? Test, double LearningRate, TrainedArmOutcome? Consistency,
        TrainedArmOutcome? Distilled);

    public static SupervisedOutcome Run(Pretrain.Recipes.Model.LoadedRecipe loaded, PreparedData data,
        PretrainedStack? stack, bool fromScratch, RunFolder folder, RunContext context, ITrainingCallback? progress)
    {
        var options = loaded.Recipe.Training ?? new();
        var rates = options.LearningRates is { Count: > 0 } grid ? grid : [options.LearningRate];
        var label = stack is not null && !fromScratch ? "fine-tuning the pretrained stack" : "from random weights";
        using var start = NetworkSetup.Create(loaded, data, stack, fromScratch, context);
        var spec = NetworkSetup.Spec(loaded, data, stack);
        context.Logger.LogInformation("Training a{Kind} {Layers} {How} on {Count} labeled examples {Where}", spec.Convolutions.Count > 0 ? " CNN" : "n MLP",
            Describe(spec, data.Train.ClassCount), label, data.Train.Count,
            data.Train is Pretraining.Data.Dataset ? "in memory" : $"streamed from shards ({data.Train.Source})");

        Sequential? best = null;
        TrainingHistory? bestHistory = null;
        var bestRate = rates[0];

        try
        {
            foreach (var rate in rates)
            {
                var candidate = rates.Count == 1 ? start : Copy(loaded, data, stack, fromScratch, context, start);
                // One checkpoint per arm and rate: a killed run resumes mid-epoch-loop, and finished ones are not redone.
                var checkpoint = new EpochCheckpoint(folder.File(Path.Combine("checkpoints",
                    $"supervised{(fromScratch ? "-scratch" : "")}-lr{rate.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}.safetensors")));
                var history = new CachingTrainer(options with { LearningRate = rate })
                    .Fit(candidate, data.Train, data.Validation, context, new CompositeCallback(progress, new MetricsFileCallback(folder)), checkpoint);
                var accuracy = BestAccuracy(history);
                if (rates.Count > 1)
                    context.Logger.LogInformation("Learning rate {Rate}: best validation accuracy {Accuracy:P2}", rate, accuracy);
                if (bestHistory is null || accuracy > BestAccuracy(bestHistory))
                {
                    if (!ReferenceEquals(best, start))
                        best?.Dispose();
                    (best, bestHistory, bestRate) = (candidate, history, rate);
                }
                else if (!ReferenceEquals(candidate, start))
                    candidate.Dispose();
            }
            if (rates.Count > 1)
                context.Logger.LogInformation("Chose learning rate {Rate} by validation accuracy", bestRate);

            var test = Publish(best!, spec, bestHistory!, fromScratch ? "-scratch" : "", label, bestRate, loaded, data, folder, context);
            var consistency = loaded.Recipe.Consistency is null ? null
                : ConsistencyStep.Run(loaded, data, stack, best!, bestRate, ValidationAccuracyHeld(bestHistory!), fromScratch, folder, context, progress);
            var distilled = loaded.Recipe.Distillation is null ? null
                : DistillationStep.Run(loaded, data, stack, fromScratch, best!, bestRate, folder, context, progress);
            return new SupervisedOutcome(bestHistory!, test, bestRate, consistency, distilled);
        }
        finally
        {
            if (best is not null && !ReferenceEquals(best, start))
                best.Dispose();
        }
    }

    /// <summary>The layers of a network for the log, e.g. <c>conv32x3/pool2-conv64x3/pool2-3136-256-10</c>.</summary>
    internal static string Describe(MlpSpec spec, int classes) =>
        string.Join("-", spec.Convolutions.Select(c => $"conv{c.Channels}x{c.Geometry.Kernel}{(c.Geometry.PoolSize > 1 ? $"/pool{c.Geometry.PoolSize}" : "")}")
            .Concat(spec.HiddenLayers.Prepend(spec.DenseInputFeatures).Select(u => u.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            .Append(classes.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>The validation accuracy of the epoch whose weights the network holds, or null without validation.</summary>
    private static double? ValidationAccuracyHeld(TrainingHistory history) =>
        history.Epochs.FirstOrDefault(e => e.Epoch == history.BestEpoch)?.ValidationAccuracy;

    private static double BestAccuracy(TrainingHistory history) => ValidationAccuracyHeld(history) ?? double.NegativeInfinity;

    /// <summary>A fresh network of the same recipe with the starting weights of <paramref name="start"/>.</summary>
    private static Sequential Copy(Pretrain.Recipes.Model.LoadedRecipe loaded, PreparedData data, PretrainedStack? stack, bool fromScratch, RunContext context, Sequential start)
    {
        var network = NetworkSetup.Create(loaded, data, stack, fromScratch, context);
        var source = start.state_dict();
        using (no_grad())
        {
            foreach (var (name, tensor) in network.state_dict())
                tensor.copy_(source[name]);
        }
        return network;
    }

    /// <summary>
    /// Saves a trained network as <c>network{suffix}</c> (weights and manifest), tests it once (<c>confusion{suffix}</c>)
    /// and draws its curves (<c>training-*{suffix}.png</c>): what every trained arm leaves in the run folder.
    /// </summary>
    internal static ClassificationReport? Publish(Sequential network, MlpSpec spec, TrainingHistory history, string suffix, string label, double rate,
        Pretrain.Recipes.Model.LoadedRecipe loaded, PreparedData data, RunFolder folder, RunContext context)
    {
        // The trained weights, in PyTorch's [out, in] layout, for reuse here (model.restore) or in other frameworks,
        // and the manifest that makes them usable without the recipe or the training data (pretrain predict).
        SavedNetworkWriter.Save(network, spec, data.Train.SampleShape, data.Scaler,
            DataSourceLoader.ClassNames(loaded.Recipe.Data!.Train, loaded.Resolve), folder.File($"network{suffix}.safetensors"));
        var test = data.Test is null ? null : TestReport.Write(network, data, folder, context, label, $"confusion{suffix}");
        WriteCurves(history, folder, suffix, $"{label}, learning rate {rate}", context);
        return test;
    }

    /// <summary>Draws the curves from the history (which holds the epochs before a resume too, unlike the callbacks).</summary>
    private static void WriteCurves(TrainingHistory history, RunFolder folder, string suffix, string title, RunContext context) =>
        Reports.Pictures.TryDraw(context.Logger, "the training curves", () =>
        {
            var epochs = history.Epochs.Select(e => e.ToReport("supervised")).ToList();
            Reports.LossCurvePlot.Write(folder.File($"training-loss{suffix}.png"), $"Loss: {title}", epochs);
            Reports.LossCurvePlot.Write(folder.File($"training-accuracy{suffix}.png"), $"Accuracy: {title}", epochs, Reports.LossCurvePlot.IsAccuracy);
        });
}
