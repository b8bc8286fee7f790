using Pretrain.FineTuning.Catalog;
using Pretrain.FineTuning.Evaluation;
using Pretrain.FineTuning.Transfer;
using Pretrain.Pretraining;
using Pretrain.Pretraining.Runtime;
using Pretrain.Pretraining.Stacks;
using Pretrain.Recipes.Model;

namespace Pretrain.Recipes.Pipeline;

/// <summary>What <see cref="RunEvaluator.Evaluate"/> measured.</summary>
/// <param name="Report">Loss, accuracy, per-class accuracy and confusion matrix on the test data.</param>
/// <param name="Examples">Number of test examples.</param>
/// <param name="TestData">Where the test data came from (the recipe's <c>data.test</c>).</param>
public sealed record RunEvaluation(ClassificationReport Report, long Examples, DataSourceSpec TestData);

/// <summary>
/// Re-evaluates a finished run's network (<c>RUN/network.safetensors</c>) on its recipe's test data without training,
/// and writes <c>RUN/eval.json</c>. Used by <c>pretrain eval</c>; library callers get the same result.
/// </summary>
public static class RunEvaluator
{
    /// <summary>
    /// Evaluates the run in <paramref name="runPath"/>. The data comes from <paramref name="recipePath"/> when given,
    /// else from the run's own <c>recipe.json</c>, with <paramref name="overrides"/> (<c>path=value</c>) applied.
    /// Throws <see cref="RecipeException"/> or <see cref="PretrainException"/> with a message for the user.
    /// </summary>
    public static RunEvaluation Evaluate(string runPath, string? recipePath, IReadOnlyList<string> overrides, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(runPath);
        var folder = RunFolder.Open(runPath);
        var weights = folder.File("network.safetensors");
        if (!File.Exists(weights))
            throw new PretrainException($"{runPath}: no network.safetensors (only runs with a supervised stage have a network to evaluate).");
        var loaded = RecipeLoader.Load(recipePath ?? folder.File("recipe.json"), overrides);
        if (loaded.Recipe.Data?.Test is null)
            throw new PretrainException($"{loaded.FilePath}: data.test is not set; there is no test set to evaluate on.");
        var context = RunContext.Create(DeviceSpec.Parse(loaded.Recipe.Device), loaded.Recipe.Seed, cancellation: cancellation);
        using var data = DataPreparation.Prepare(loaded, context);
        using var stack = LoadStack(loaded, folder, context);
        using var network = NetworkSetup.Create(loaded, data, stack, fromScratch: false, context);
        WeightTransfer.Import(network, weights, [NameMapping.Identity]);
        var report = ClassificationEvaluator.Evaluate(network, data.Test!, context.Device);
        folder.WriteJson("eval.json", new { report.Loss, report.Accuracy, report.PerClassAccuracy, Examples = data.Test!.Count });
        return new RunEvaluation(report, data.Test!.Count, loaded.Recipe.Data.Test);
    }

    private static PretrainedStack? LoadStack(LoadedRecipe loaded, RunFolder folder, RunContext context)
    {
        if (loaded.Recipe.Model.Initialization != NetworkInitialization.Pretrained)
            return null;
        var local = folder.File(PretrainingStage.StackFolderName);
        if (StackStore.Exists(local))
            return StackStore.Load(local, context.Device);
        var from = loaded.Recipe.Pretraining?.From ?? throw new PretrainException($"{folder.Path}: the network was built from a pretrained stack, but the run has no stack/ folder.");
        return StackStore.Load(ModelCatalog.ResolveStack(from, loaded.Resolve), context.Device);
    }
}
