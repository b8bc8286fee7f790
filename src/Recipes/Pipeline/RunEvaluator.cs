using Pretrain.FineTuning.Catalog;
using Pretrain.FineTuning.Evaluation;
using Pretrain.FineTuning.Models;
using Pretrain.FineTuning.Transfer;
using Pretrain.Pretraining;
using Pretrain.Pretraining.Runtime;
using Pretrain.Pretraining.Stacks;
using Pretrain.Recipes.Model;

namespace Pretrain.Recipes.Pipeline;

/// <summary>What <see cref="RunEvaluator.Evaluate"/> measured.</summary>
/// <param name="Report">Loss, accuracy, per-class accuracy and confusion matrix on the test data.</param>
/// <param name="Examples">Number of test examples.</param>
/// <param name="TestData">Where the test data came from (the recipe's <c>data.test</c>); null for a text run, whose test documents are a share of its corpus.</param>
/// <param name="Description">The test data in words, for messages.</param>
public sealed record RunEvaluation(ClassificationReport Report, long Examples, DataSourceSpec? TestData, string Description);

/// <summary>
/// Re-evaluates a finished run's network on its recipe's test data without training, and writes <c>RUN/eval.json</c>.
/// The network, its input scaling and its class count come from the saved network's manifest (<c>RUN/network.json</c>,
/// <see cref="SavedNetwork"/>): only the test data is read, nothing is refitted. Runs saved before manifests existed
/// are rebuilt from the recipe as before. A text run's saved model (<c>network.json</c> of kind <c>text</c>) is tested
/// on the test documents of its corpus, split again with the run's seed (<see cref="TextRunEvaluator"/>). Used by
/// <c>pretrain eval</c>; library callers get the same result.
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
        var manifest = folder.File(SavedNetwork.ManifestFileName);
        if (File.Exists(manifest) && NetworkManifestReader.KindOf(manifest) == TextNetworkManifest.Kind)
            return TextRunEvaluator.Evaluate(folder, RecipeLoader.Load(recipePath ?? folder.File("recipe.json"), overrides), cancellation);
        var weights = folder.File("network.safetensors");
        if (!File.Exists(weights))
            throw new PretrainException($"{runPath}: no network.safetensors (only runs with a supervised stage have a network to evaluate).");
        var loaded = RecipeLoader.Load(recipePath ?? folder.File("recipe.json"), overrides);
        if (loaded.Recipe.Data?.Test is null)
            throw new PretrainException($"{loaded.FilePath}: data.test is not set; there is no test set to evaluate on.");
        var context = RunContext.Create(DeviceSpec.Parse(loaded.Recipe.Device), loaded.Recipe.Seed, cancellation: cancellation);
        var report = File.Exists(folder.File(SavedNetwork.ManifestFileName))
            ? FromManifest(folder, loaded, context)
            : FromRecipe(folder, loaded, context, weights);
        folder.WriteJson("eval.json", new { report.Loss, report.Accuracy, report.PerClassAccuracy, Examples = report.Count });
        return new RunEvaluation(report, report.Count, loaded.Recipe.Data.Test, loaded.Recipe.Data.Test.ToString());
    }

    private static ClassificationReport FromManifest(RunFolder folder, LoadedRecipe loaded, RunContext context)
    {
        using var network = SavedNetwork.Load(folder.File(SavedNetwork.ManifestFileName), context.Device);
        using var test = DataSourceLoader.Load(loaded.Recipe.Data!.Test!, loaded, "data.test", network.ClassNames);
        return network.Evaluate(test);
    }

    /// <summary>The network of a run saved without a manifest: rebuilt from the recipe, with the scaler refitted on its training data.</summary>
    private static ClassificationReport FromRecipe(RunFolder folder, LoadedRecipe loaded, RunContext context, string weights)
    {
        using var data = DataPreparation.Prepare(loaded, context);
        using var stack = LoadStack(loaded, folder, context);
        using var network = NetworkSetup.Create(loaded, data, stack, fromScratch: false, context);
        WeightTransfer.Import(network, weights, [NameMapping.Identity]);
        return ClassificationEvaluator.Evaluate(network, data.Test!, context.Device);
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
