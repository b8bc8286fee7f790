using Pretrain.Recipes.Model;

namespace Pretrain.Recipes.Pipeline.Stages;

/// <summary>
/// One stage of a run (data, pretraining, probe, fine-tuning, the scratch comparison, the text pipeline). The runner
/// asks each stage in order whether the recipe wants it and runs those that say yes; a new stage is one class added
/// to <see cref="RecipeRunner"/>'s list.
/// </summary>
internal interface IRecipeStage
{
    /// <summary>The stage's name in the log.</summary>
    string Name { get; }

    /// <summary>Whether <paramref name="recipe"/> asks for this stage.</summary>
    bool AppliesTo(Recipe recipe);

    /// <summary>Runs the stage, reading and extending the shared <paramref name="stage"/> state, and returns the updated result.</summary>
    RunResult Run(StageContext stage, RunResult result);
}
