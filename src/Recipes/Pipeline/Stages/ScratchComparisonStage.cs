using Pretrain.Recipes.Model;

namespace Pretrain.Recipes.Pipeline.Stages;

/// <summary>The same network as the fine-tuned one, trained from random weights with the same budget, tested once.</summary>
internal sealed class ScratchComparisonStage : IRecipeStage
{
    public string Name => "from-scratch comparison";

    public bool AppliesTo(Recipe recipe) =>
        recipe.RunsSupervisedTraining && recipe.Evaluation.CompareWithScratch && recipe.Model.Initialization == NetworkInitialization.Pretrained;

    public RunResult Run(StageContext stage, RunResult result)
    {
        var (_, scratch, rate, consistency, distilled) = SupervisedStage.Run(stage.Loaded, stage.RequireData(), stage.Stack, fromScratch: true, stage.Folder, stage.Run, stage.Progress);
        return result with { ScratchTestAccuracy = scratch?.Accuracy, ScratchLearningRate = rate,
            ScratchConsistencyTestAccuracy = consistency?.Test?.Accuracy, ScratchConsistencyKeptStart = consistency?.KeptStart, ScratchDistilledTestAccuracy = distilled?.Test?.Accuracy };
    }
}
