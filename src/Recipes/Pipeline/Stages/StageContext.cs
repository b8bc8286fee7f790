using Pretrain.Recipes.Model;
using Pretrain.Pretraining.Runtime;
using Pretrain.Pretraining.Stacks;

namespace Pretrain.Recipes.Pipeline.Stages;

/// <summary>What a run's stages share: the recipe, the run folder, seed and device, and what earlier stages produced.</summary>
internal sealed class StageContext(LoadedRecipe loaded, RunFolder folder, RunContext run, ITrainingCallback? progress) : IDisposable
{
    public LoadedRecipe Loaded { get; } = loaded;

    public Recipe Recipe => Loaded.Recipe;

    public RunFolder Folder { get; } = folder;

    public RunContext Run { get; } = run;

    public ITrainingCallback? Progress { get; } = progress;

    /// <summary>The prepared examples, once the data stage has run.</summary>
    public PreparedData? Data { get; set; }

    /// <summary>The pretrained stack, once a pretraining stage has run (owned here).</summary>
    public PretrainedStack? Stack { get; set; }

    public PreparedData RequireData() => Data ?? throw new InvalidOperationException("the data stage must run first");

    public void Dispose()
    {
        Stack?.Dispose();
        Data?.Dispose();
    }
}
