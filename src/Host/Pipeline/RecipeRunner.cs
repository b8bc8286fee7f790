using System.Diagnostics;
using TorchSharp;
using Microsoft.Extensions.Logging;
using Pretrain.FineTuning.Evaluation;
using Pretrain.FineTuning.Networks;
using Pretrain.FineTuning.Training;
using Pretrain.Host.Recipes;
using Pretrain.Pretraining.Runtime;

namespace Pretrain.Host.Pipeline;

/// <summary>
/// Runs a recipe from data to test accuracy. The command line and the tests call this class directly; it knows
/// nothing about consoles or progress bars (those come in as an <see cref="ITrainingCallback"/>).
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
        var spec = new MlpSpec(data.Train.FeatureCount, recipe.Model.HiddenLayers, data.Train.ClassCount, recipe.Model.Activation, recipe.Model.Dropout);
        using var model = MlpBuilder.Build(spec);
        model.to(context.Device);
        _logger.LogInformation("Training an MLP {Layers} ({Activation}) on {Count} examples", Describe(spec), spec.Activation, data.Train.Count);

        var trainer = new SupervisedTrainer(recipe.Training);
        var history = trainer.Fit(model, data.Train, data.Validation, context, new CompositeCallback(progress, new MetricsFileCallback(folder)));

        ClassificationReport? test = null;
        if (data.Test is not null)
        {
            test = ClassificationEvaluator.Evaluate(model, data.Test, context.Device);
            _logger.LogInformation("Test accuracy {Accuracy:P2} (loss {Loss:F4}) on {Count} examples", test.Accuracy, test.Loss, test.Count);
        }

        var best = history.Epochs.FirstOrDefault(e => e.Epoch == history.BestEpoch);
        var result = new RunResult(folder.Path, data.Train.Count, history.Epochs.Count, history.BestEpoch, best?.ValidationAccuracy,
            test?.Loss, test?.Accuracy, test?.PerClassAccuracy, clock.Elapsed.TotalSeconds);
        folder.WriteJson("result.json", result);
        return result;
    }

    private static string Describe(MlpSpec spec) =>
        string.Join("-", new[] { spec.InputFeatures }.Concat(spec.HiddenLayers).Append(spec.ClassCount));
}
