using Pretrain.Recipes.Model;

namespace Pretrain.Recipes.Pipeline.Stages;

/// <summary>The text pipeline of a recipe's <c>text</c> section (<see cref="TextStage"/>).</summary>
internal sealed class TextPipelineStage : IRecipeStage
{
    public string Name => "text pipeline";

    public bool AppliesTo(Recipe recipe) => recipe.Text is not null;

    public RunResult Run(StageContext stage, RunResult result) =>
        TextStage.Run(stage.Recipe.Text!, stage.Loaded, stage.Folder, stage.Run, stage.Progress, result);
}
