using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Pretrain.Host.Recipes;
using Pretrain.Pretraining.Runtime;
using Pretrain.Pretraining.Stacks;

namespace Pretrain.Host.Pipeline;

/// <summary>
/// Runs a recipe's stages in order: data, greedy pretraining, linear probe, supervised training and evaluation.
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

        using var data = DataPreparation.Prepare(loaded, context);
        folder.WriteJson("scaler.json", data.Scaler);
        var result = new RunResult(folder.Path, 0);

        if (recipe.Pretraining is { } pretraining)
        {
            using var stack = PretrainingStage.Run(pretraining, data, folder, context, progress);
            result = result with { StackFolder = folder.File(PretrainingStage.StackFolderName) };
            if (recipe.Evaluation.LinearProbe)
            {
                var probe = LinearProbeStage.Run(stack, data, context);
                _logger.LogInformation("Linear probe with {Labels} labels: test accuracy {Pretrained:P2} on pretrained features versus {Raw:P2} on raw inputs",
                    probe.LabeledExamples, probe.PretrainedFeatures, probe.RawInputs);
                result = result with { Probe = probe };
            }
        }

        if (recipe.RunsSupervisedTraining)
        {
            var (history, test) = SupervisedStage.Run(recipe, data, folder, context, progress);
            var best = history.Epochs.FirstOrDefault(e => e.Epoch == history.BestEpoch);
            result = result with
            {
                TrainExamples = data.Train.Count, EpochsRun = history.Epochs.Count, BestEpoch = history.BestEpoch,
                ValidationAccuracy = best?.ValidationAccuracy, TestLoss = test?.Loss, TestAccuracy = test?.Accuracy,
                PerClassTestAccuracy = test?.PerClassAccuracy,
            };
        }

        result = result with { Seconds = clock.Elapsed.TotalSeconds };
        folder.WriteJson("result.json", result);
        return result;
    }
}
