using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Pretrain.Host.Pipeline.Stages;
using Pretrain.Host.Recipes;
using Pretrain.Pretraining.Runtime;
using Pretrain.Pretraining.Stacks;

namespace Pretrain.Host.Pipeline;

/// <summary>
/// Runs a recipe's stages in order (<see cref="Stages"/>): text pipeline, or data, pretraining (greedy or auxiliary),
/// linear probe, supervised training and the from-scratch comparison.
/// The command line and the tests call this class directly; it knows nothing about consoles or progress bars (those
/// come in as an <see cref="ITrainingCallback"/>).
/// </summary>
public sealed class RecipeRunner
{
    private readonly ILogger<RecipeRunner> _logger;

    /// <summary>Creates a runner that logs to <paramref name="logger"/>.</summary>
    public RecipeRunner(ILogger<RecipeRunner> logger) => _logger = logger;

    /// <summary>Runs <paramref name="loaded"/>, writing into <paramref name="folder"/>.</summary>
    public RunResult Run(LoadedRecipe loaded, RunFolder folder, ITrainingCallback? progress, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        ArgumentNullException.ThrowIfNull(folder);
        var clock = Stopwatch.StartNew();
        var recipe = loaded.Recipe;
        var context = RunContext.Create(DeviceSpec.Parse(recipe.Device), recipe.Seed, _logger, cancellation);
        _logger.LogInformation("Run {Name} in {Folder}: device {Device}, seed {Seed}", recipe.Name, folder.Path, context.DescribeDevice(), recipe.Seed);
        folder.WriteJson("environment.json", RunEnvironment.Capture(recipe.Seed, context.DescribeDevice(), DateTimeOffset.Now));

        using var stage = new StageContext(loaded, folder, context, progress);
        var result = new RunResult(folder.Path, 0);
        foreach (var step in Stages.Where(s => s.AppliesTo(recipe)))
        {
            _logger.LogDebug("Stage {Stage}", step.Name);
            result = step.Run(stage, result);
        }

        result = result with { Seconds = clock.Elapsed.TotalSeconds };
        folder.WriteJson("result.json", result);
        return result;
    }

    /// <summary>The stages in the order they run; each runs when the recipe asks for it.</summary>
    private static readonly IRecipeStage[] Stages =
    [
        new TextPipelineStage(), new DataStage(), new PretrainStackStage(), new ProbeStage(), new SupervisedTrainingStage(), new ScratchComparisonStage(),
    ];
}
