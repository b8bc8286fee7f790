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
/// unlabeled images it labels itself (FixMatch), keeping the pass with the best validation accuracy. It is saved as
/// <c>network-consistency[-scratch]</c> and tested once; a <c>distillation</c> section then distils this network.
/// </summary>
internal static class ConsistencyStep
{
    public static TrainedArmOutcome Run(Model.LoadedRecipe loaded, PreparedData data, PretrainedStack? stack, Sequential network, double learningRate,
        bool fromScratch, RunFolder folder, RunContext context, ITrainingCallback? progress)
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
        var history = new CachingTrainer(trainingOptions).Fit(network, labeled, data.Validation, context,
            new CompositeCallback(progress, new MetricsFileCallback(folder)), checkpoint, new ConsistencyInput(options, unlabeled));
        var best = history.Epochs.FirstOrDefault(e => e.Epoch == history.BestEpoch);
        context.Logger.LogInformation("Consistency training: best validation accuracy {Accuracy:P2} (pass {Epoch})", best?.ValidationAccuracy ?? double.NaN, history.BestEpoch);
        var test = SupervisedStage.Publish(network, NetworkSetup.Spec(loaded, data, stack), history, $"-consistency{suffix}",
            $"network {arm} after consistency training", rate, loaded, data, folder, context);
        return new TrainedArmOutcome(history, test);
    }
}
