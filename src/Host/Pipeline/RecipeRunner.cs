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

        if (recipe.Text is { } text)
        {
            var textResult = TextStage.Run(text, loaded, folder, context, progress, new RunResult(folder.Path, 0));
            textResult = textResult with { Seconds = clock.Elapsed.TotalSeconds };
            folder.WriteJson("result.json", textResult);
            return textResult;
        }

        using var data = DataPreparation.Prepare(loaded, context);
        folder.WriteJson("scaler.json", data.Scaler);
        var result = new RunResult(folder.Path, 0);

        PretrainedStack? stack = null;
        try
        {
            if (recipe.Pretraining is { } pretraining)
                result = Pretrain(pretraining, loaded, data, folder, context, progress, result, out stack);
            if (recipe.RunsSupervisedTraining)
                result = Supervise(loaded, data, stack, folder, context, progress, result);
        }
        finally
        {
            stack?.Dispose();
        }

        result = result with { Seconds = clock.Elapsed.TotalSeconds };
        folder.WriteJson("result.json", result);
        return result;
    }

    private RunResult Pretrain(PretrainingSection pretraining, LoadedRecipe loaded, PreparedData data, RunFolder folder, RunContext context,
        ITrainingCallback? progress, RunResult result, out PretrainedStack stack)
    {
        var recipe = loaded.Recipe;
        stack = PretrainingStage.Run(pretraining, loaded, data, folder, context, progress);
        if (pretraining.From is null)
            result = result with { StackFolder = folder.File(PretrainingStage.StackFolderName) };
        if (pretraining.Auxiliary is not null && stack.Layers.Count > 0)
            result = result with { AuxiliaryScore = stack.Layers[0].Metrics.Where(m => m.Key != "auxiliaryLoss").Select(m => (double?)m.Value).FirstOrDefault() };
        if (!recipe.Evaluation.LinearProbe)
            return result;
        var probe = LinearProbeStage.Run(stack, data, context);
        _logger.LogInformation("Linear probe with {Labels} labels: test accuracy {Pretrained:P2} on pretrained features versus {Raw:P2} on raw inputs",
            probe.LabeledExamples, probe.PretrainedFeatures, probe.RawInputs);
        return result with { Probe = probe };
    }

    private static RunResult Supervise(LoadedRecipe loaded, PreparedData data, PretrainedStack? stack, RunFolder folder, RunContext context, ITrainingCallback? progress, RunResult result)
    {
        var recipe = loaded.Recipe;
        var pretrained = recipe.Model.Initialization == NetworkInitialization.Pretrained ? stack : null;
        var (history, test, rate) = SupervisedStage.Run(loaded, data, pretrained, fromScratch: false, folder, context, progress);
        var best = history.Epochs.FirstOrDefault(e => e.Epoch == history.BestEpoch);
        result = result with
        {
            TrainExamples = data.Train.Count, EpochsRun = history.Epochs.Count, BestEpoch = history.BestEpoch,
            ValidationAccuracy = best?.ValidationAccuracy, TestLoss = test?.Loss, TestAccuracy = test?.Accuracy,
            PerClassTestAccuracy = test?.PerClassAccuracy, LearningRate = rate,
        };
        if (recipe.Evaluation.CompareWithScratch && pretrained is not null)
        {
            var (_, scratch, scratchRate) = SupervisedStage.Run(loaded, data, pretrained, fromScratch: true, folder, context, progress);
            result = result with { ScratchTestAccuracy = scratch?.Accuracy, ScratchLearningRate = scratchRate };
        }
        return result;
    }
}
