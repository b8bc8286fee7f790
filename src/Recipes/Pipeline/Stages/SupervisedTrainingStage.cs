using Pretrain.Recipes.Model;

namespace Pretrain.Recipes.Pipeline.Stages;

/// <summary>
/// Trains the recipe's network on the labels (from random weights, or fine-tuning the pretrained stack) and tests it
/// once (<see cref="SupervisedStage"/>).
/// </summary>
internal sealed class SupervisedTrainingStage : IRecipeStage
{
    public string Name => "supervised training";

    public bool AppliesTo(Recipe recipe) => recipe.RunsSupervisedTraining;

    public RunResult Run(StageContext stage, RunResult result)
    {
        var data = stage.RequireData();
        var pretrained = stage.Recipe.Model.Initialization == NetworkInitialization.Pretrained ? stage.Stack : null;
        var (history, test, rate, consistency, distilled) = SupervisedStage.Run(stage.Loaded, data, pretrained, fromScratch: false, stage.Folder, stage.Run, stage.Progress);
        var best = history.Epochs.FirstOrDefault(e => e.Epoch == history.BestEpoch);
        return result with
        {
            TrainExamples = data.Train.Count, EpochsRun = history.Epochs.Count, BestEpoch = history.BestEpoch,
            ValidationAccuracy = best?.ValidationAccuracy, TestLoss = test?.Loss, TestAccuracy = test?.Accuracy,
            PerClassTestAccuracy = test?.PerClassAccuracy, LearningRate = rate,
            ConsistencyTestAccuracy = consistency?.Test?.Accuracy, ConsistencyKeptStart = consistency?.KeptStart, DistilledTestAccuracy = distilled?.Test?.Accuracy,
        };
    }
}
