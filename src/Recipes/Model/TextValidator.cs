namespace Pretrain.Recipes.Model;

/// <summary>Checks a text recipe: the <c>text</c> section's values, and no sections of the dense pipeline beside it.</summary>
internal static class TextValidator
{
    public static IEnumerable<RecipeProblem> Validate(TextSection text, Recipe recipe, LoadedRecipe loaded)
    {
        if (recipe.Data is not null || recipe.Pretraining is not null)
            yield return new("text", "the text pipeline replaces data and pretraining: remove those sections.");
        foreach (var problem in TextCorpusValidator.Validate(text))
            yield return problem;
        if (text.Categories.Count < 2)
            yield return new("text.categories", $"expected at least 2 categories (labels, file or folder names) for the labelled task, received {text.Categories.Count}.");
        if (text.Categories.Distinct(StringComparer.Ordinal).Count() != text.Categories.Count)
            yield return new("text.categories", "a category is listed twice.");
        foreach (var (value, name) in new[] { (text.MinWords, "minWords"), (text.MaxWords, "maxWords"), (text.MinCount, "minCount"), (text.EmbeddingSize, "embeddingSize"),
                     (text.LabelsPerClass, "labelsPerClass"), (text.ValidationPerClass, "validationPerClass") })
            if (value < 1)
                yield return new($"text.{name}", $"expected a positive integer, received {value}.");
        if (text.VocabularySize < 4)
            yield return new("text.vocabularySize", $"expected at least 4 (padding, unknown and two words), received {text.VocabularySize}.");
        if (text.Window < 1 || text.Window % 2 == 0)
            yield return new("text.window", $"expected an odd positive window length, received {text.Window}.");
        for (var i = 0; i < text.HiddenLayers.Count; i++)
            if (text.HiddenLayers[i] < 1)
                yield return new($"text.hiddenLayers[{i}]", $"expected a positive integer, received {text.HiddenLayers[i]}.");
        if (text.HiddenLayers.Count == 0)
            yield return new("text.hiddenLayers", "expected at least one layer width.");
        if (text.TestFraction is <= 0 or >= 1)
            yield return new("text.testFraction", $"expected a number in (0, 1), received {text.TestFraction}.");
        var auxiliary = text.Auxiliary;
        if (auxiliary.Task == AuxiliaryTaskKind.SameDifferent)
            yield return new("text.auxiliary.task", "expected ranking or corruptedVsGood for text.");
        if (auxiliary.Epochs < 1)
            yield return new("text.auxiliary.epochs", $"expected a positive integer, received {auxiliary.Epochs}.");
        if (auxiliary.BatchSize < 2)
            yield return new("text.auxiliary.batchSize", $"expected at least 2, received {auxiliary.BatchSize}.");
        if (!(auxiliary.LearningRate > 0))
            yield return new("text.auxiliary.learningRate", $"expected a positive number, received {auxiliary.LearningRate}.");
        if (!(auxiliary.Margin > 0))
            yield return new("text.auxiliary.margin", $"expected a positive number, received {auxiliary.Margin}.");
        if (auxiliary.HeldOutFraction is < 0 or >= 1)
            yield return new("text.auxiliary.heldOutFraction", $"expected a number in [0, 1), received {auxiliary.HeldOutFraction}.");
        var classifier = text.Classifier;
        foreach (var (value, name) in new[] { (classifier.Epochs, "epochs"), (classifier.BatchSize, "batchSize"), (classifier.Patience, "patience") })
            if (value < 1)
                yield return new($"text.classifier.{name}", $"expected a positive integer, received {value}.");
        if (!(classifier.LearningRate > 0))
            yield return new("text.classifier.learningRate", $"expected a positive number, received {classifier.LearningRate}.");
    }
}
