using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pretrain.Recipes.Pipeline.Stages;
using Pretrain.Recipes.Model;
using Pretrain.Pretraining.Runtime;
using Pretrain.Pretraining.Stacks;

namespace Pretrain.Recipes.Pipeline;

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

    /// <summary>
    /// Runs the recipe file <paramref name="recipePath"/> from code exactly as <c>pretrain run</c> does: loads and
    /// validates it with <paramref name="overrides"/> (<c>path=value</c>, e.g. <c>seed=1</c>) applied, creates a new run
    /// folder under the recipe's <c>output</c>, records the resolved recipe there, and runs every stage the recipe asks for.
    /// Throws <see cref="RecipeException"/> (invalid recipe, every problem listed) or <see cref="Pretraining.PretrainException"/>
    /// (bad data or settings found while running) with messages meant for the user.
    /// </summary>
    /// <param name="recipePath">The recipe JSON file; relative data paths resolve against its folder.</param>
    /// <param name="overrides">Recipe overrides, applied in order; null for none.</param>
    /// <param name="loggers">Where the run logs; null logs nothing.</param>
    /// <param name="progress">Observes every stage's epochs and batches; null for none.</param>
    /// <param name="cancellation">Stops the run at the next batch (finished pretraining layers stay checkpointed).</param>
    public static RunResult RunFile(string recipePath, IEnumerable<string>? overrides = null, ILoggerFactory? loggers = null,
        ITrainingCallback? progress = null, CancellationToken cancellation = default)
    {
        var loaded = RecipeLoader.Load(recipePath, overrides);
        var folder = RunFolder.Create(loaded.Recipe.Output, loaded.Recipe.Name, DateTimeOffset.Now);
        folder.WriteRecipe(loaded);
        var runner = new RecipeRunner(loggers?.CreateLogger<RecipeRunner>() ?? NullLogger<RecipeRunner>.Instance);
        return runner.Run(loaded, folder, progress, cancellation);
    }

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
