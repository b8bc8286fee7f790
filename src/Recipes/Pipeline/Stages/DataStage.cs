using Pretrain.Pretraining.Runtime;
using Pretrain.Recipes.Model;

namespace Pretrain.Recipes.Pipeline.Stages;

/// <summary>Loads, splits and scales the recipe's data (<see cref="DataPreparation"/>) and saves the scaler.</summary>
internal sealed class DataStage : IRecipeStage
{
    public string Name => "data";

    public bool AppliesTo(Recipe recipe) => recipe.Data is not null;

    public RunResult Run(StageContext stage, RunResult result)
    {
        stage.Data = DataPreparation.Prepare(stage.Loaded, stage.Run);
        // Reading, splitting and scaling freed copies of the data that the allocator would otherwise keep resident
        // for reuse; training never needs blocks of that size again.
        NativeAllocator.ReleaseFreedMemory();
        stage.Folder.WriteJson("scaler.json", stage.Data.Scaler);
        // The student trains last, after the teachers: a student that does not fit the images is refused now, not
        // after hours of pretraining and fine-tuning.
        if (stage.Loaded.Recipe.Distillation?.Student is { } student)
            _ = NetworkSetup.StudentSpec(student, stage.Data);
        return result;
    }
}
