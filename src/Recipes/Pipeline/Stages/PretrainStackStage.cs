using Pretrain.Recipes.Model;

namespace Pretrain.Recipes.Pipeline.Stages;

/// <summary>
/// Produces the run's pretrained stack: greedy layers, an auxiliary task, or a saved stack reused
/// (<see cref="PretrainingStage"/>), saving it to the catalog when asked.
/// </summary>
internal sealed class PretrainStackStage : IRecipeStage
{
    public string Name => "pretraining";

    public bool AppliesTo(Recipe recipe) => recipe.Pretraining is not null;

    public RunResult Run(StageContext stage, RunResult result)
    {
        var section = stage.Recipe.Pretraining!;
        stage.Stack = PretrainingStage.Run(section, stage.Loaded, stage.RequireData(), stage.Folder, stage.Run, stage.Progress);
        if (section.From is null)
            result = result with { StackFolder = stage.Folder.File(PretrainingStage.StackFolderName) };
        if (section.Auxiliary is not null && stage.Stack.Layers.Count > 0)
            result = result with { AuxiliaryScore = stage.Stack.Layers[0].Metrics.Where(m => m.Key != "auxiliaryLoss").Select(m => (double?)m.Value).FirstOrDefault() };
        return result;
    }
}
