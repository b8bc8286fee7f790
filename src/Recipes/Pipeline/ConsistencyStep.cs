using Microsoft.Extensions.Logging;
using Pretrain.FineTuning.Caching;
using Pretrain.FineTuning.Evaluation;
using Pretrain.FineTuning.Training;
using Pretrain.Pretraining;
using Pretrain.Pretraining.Runtime;
using Pretrain.Pretraining.Stacks;
using Pretrain.Pretraining.Training;
using TorchSharp.Modules;

namespace Pretrain.Recipes.Pipeline;

/// <summary>
/// The recipe's <c>consistency</c> for one arm (<see cref="ConsistencyOptions"/>): the arm's trained network goes on
/// training, at the learning rate the arm chose (or <c>consistency.learningRate</c>) and with the recipe's regularization, on every labeled batch beside
/// unlabeled images it labels itself (FixMatch), keeping the pass with the best validation accuracy, or the network as it
/// started when no pass beat that on validation. It is saved as <c>network-consistency[-scratch]</c> and tested once; a
/// <c>distillation</c> section then distils this network.
/// </summary>
/// <remarks>
/// Why the start is kept: the network learns its own sure answers, and with very few labels enough of those are wrong
/// for it to learn its errors. With 10 labels per class on Fashion-MNIST at seed 0 every pass of the pretrained arm
/// validated below the fine-tuned network, and the scratch arm's passes fell after its first (docs/results-images.md,
/// "Consistency training with ten labels per class"); handing on a worse network than the start would make the step
/// cost accuracy, where the rate search before it chooses by validation.
/// </remarks>
internal static class ConsistencyStep
{
    private const string StartMetric = "validationAccuracy";

    // startValidationAccuracy: the network's validation accuracy as training left it, null without validation data.
    public static TrainedArmOutcome Run(Model.LoadedRecipe loaded, PreparedData data, PretrainedStack? stack, Sequential network, double learningRate,
        double? startValidationAccuracy, bool fromScratch, RunFolder folder, RunContext context, ITrainingCallback? progress)
    {
        var options = loaded.Recipe.Consistency ?? throw new InvalidOperationException("the recipe has no consistency section");
        var training = loaded.Recipe.Training ?? new();
        var unlabeled = data.Unlabeled ?? throw new PretrainException(
            "consistency: the unlabeled training examples are needed in memory, but they are streamed under data.memoryBudget: raise data.memoryBudget or remove the consistency section.");
        var labeled = PreparedData.InMemory(data.Train, "consistency", "consistency");
        var suffix = fromScratch ? "-scratch" : "";
        var arm = fromScratch ? "from random weights" : "fine-tuned";
        var schedule = options.Schedule ?? training.Schedule;
        var rate = options.LearningRate ?? learningRate;
        // The network goes on with the layers trainable as training left them: an unfreezing schedule starting over
        // would freeze again what training had unfrozen.
        var trainingOptions = training with
        {
            LearningRate = rate, LearningRates = null, Epochs = options.Epochs, Patience = options.Patience ?? training.Patience, Schedule = schedule,
            UnfreezeEveryEpochs = null, UnfreezeAfterEpochs = null,
        };
        context.Logger.LogInformation(
            "Consistency training of the network {Arm}: {Epochs} passes over {Count} unlabeled examples, {Ratio} per labeled one in each batch, "
            + "learning from the answers with probability at least {Threshold} at learning rate {Rate}{Schedule}{Average}",
            arm, options.Epochs, unlabeled.Count, options.UnlabeledRatio, options.Threshold,
            options.LearningRate is null ? $"{rate} (the arm's)" : $"{rate} (consistency.learningRate)",
            schedule == LearningRateSchedule.None ? "" : $" ({schedule.ToString().ToLowerInvariant()} schedule)",
            options.AverageDecay is double decay ? $"; validating and keeping the moving average of the weights (decay {decay} a batch)" : "");
        var checkpoint = new EpochCheckpoint(folder.File(Path.Combine("checkpoints", $"consistency{suffix}.safetensors")));
        // The network as it starts, kept by the tracker every epoch loop keeps its best epoch with, as epoch 0.
        using var start = new BestEpochTracker(MonitoredMetric.Highest(StartMetric));
        var weights = network.state_dict();
        if (startValidationAccuracy is double before)
            start.Offer(0, new Dictionary<string, double> { [StartMetric] = before }, weights);
        var history = new CachingTrainer(trainingOptions).Fit(network, labeled, data.Validation, context,
            new CompositeCallback(progress, new MetricsFileCallback(folder)), checkpoint, new ConsistencyInput(options, unlabeled));
        var best = history.Epochs.FirstOrDefault(e => e.Epoch == history.BestEpoch);
        context.Logger.LogInformation("Consistency training: best validation accuracy {Accuracy:P2} (pass {Epoch})", best?.ValidationAccuracy ?? double.NaN, history.BestEpoch);
        var keptStart = startValidationAccuracy is not null && best?.ValidationAccuracy is double after
            && !start.Offer(history.BestEpoch, new Dictionary<string, double> { [StartMetric] = after }, weights);
        if (keptStart)
        {
            start.Restore(weights);
            context.Logger.LogWarning(
                "Consistency training of the network {Arm} did not beat it on validation ({After:P2} at best, against {Before:P2} before): the network is kept as it was before, "
                + "and network-consistency{Suffix} is that network. Its own sure answers were probably wrong often enough to teach it errors, as happens with very few labels.",
                arm, best!.ValidationAccuracy, startValidationAccuracy, suffix);
        }
        var test = SupervisedStage.Publish(network, NetworkSetup.Spec(loaded, data, stack), history, $"-consistency{suffix}",
            keptStart ? $"network {arm}, kept as it was before consistency training" : $"network {arm} after consistency training", rate, loaded, data, folder, context);
        return new TrainedArmOutcome(history, test, keptStart);
    }
}
