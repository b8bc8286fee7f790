using Pretrain.Auxiliary.Text;
using Pretrain.FineTuning.Models;
using Pretrain.Pretraining;
using Pretrain.Pretraining.Runtime;
using Pretrain.Recipes.Model;

namespace Pretrain.Recipes.Pipeline;

/// <summary>
/// <see cref="RunEvaluator"/> for a text run: loads the run's saved text model (<c>network.json</c>, its weights and
/// vocabulary, checksums checked) and tests it on the test documents of the recipe's corpus, split again with the
/// run's seed exactly as the run split it, so the accuracy is the one the run reported. Nothing is trained.
/// </summary>
internal static class TextRunEvaluator
{
    public static RunEvaluation Evaluate(RunFolder folder, LoadedRecipe loaded, CancellationToken cancellation)
    {
        var text = loaded.Recipe.Text
            ?? throw new PretrainException($"{loaded.FilePath}: the run's network.json is a text model, but the recipe has no text section to take the test documents from.");
        var context = RunContext.Create(DeviceSpec.Parse(loaded.Recipe.Device), loaded.Recipe.Seed, cancellation: cancellation);
        using var model = SavedTextClassifier.Load(folder.File(SavedNetwork.ManifestFileName), context.Device);
        var (_, split) = TextStage.ReadCorpus(text, loaded, new WordTokenizer(text.Lowercase), context.Seed);
        var labels = split.Test.Select(d => (long)IndexOf(model, d.Category)).ToList();
        var report = model.Evaluate(split.Test.Select(d => d.Words).ToList(), labels);
        folder.WriteJson("eval.json", new { report.Loss, report.Accuracy, report.PerClassAccuracy, Examples = report.Count });
        return new RunEvaluation(report, report.Count, null, $"the test documents of text.{text.CorpusPathField} {text.CorpusPath} (seed {context.Seed})");
    }

    private static int IndexOf(SavedTextClassifier model, string category)
    {
        var index = model.ClassNames.ToList().IndexOf(category);
        return index >= 0 ? index : throw new PretrainException($"{model.ManifestPath}: the recipe's category '{category}' is not one of the model's classes ({string.Join(", ", model.ClassNames)}).");
    }
}
