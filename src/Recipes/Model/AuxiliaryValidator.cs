namespace Pretrain.Recipes.Model;

/// <summary>Range checks for <c>pretraining.auxiliary</c>, each problem with its JSON path.</summary>
internal static class AuxiliaryValidator
{
    public static IEnumerable<RecipeProblem> Validate(AuxiliarySection section, string path)
    {
        for (var i = 0; i < section.HiddenLayers.Count; i++)
            if (section.HiddenLayers[i] < 1)
                yield return new($"{path}.hiddenLayers[{i}]", $"expected a positive integer, received {section.HiddenLayers[i]}.");
        if (section.HiddenLayers.Count == 0)
            yield return new($"{path}.hiddenLayers", "expected at least one layer width.");
        if (section.Epochs < 1)
            yield return new($"{path}.epochs", $"expected a positive integer, received {section.Epochs}.");
        if (section.BatchSize < 2)
            yield return new($"{path}.batchSize", $"expected at least 2 (corruptions borrow from other instances of the batch), received {section.BatchSize}.");
        if (!(section.LearningRate > 0))
            yield return new($"{path}.learningRate", $"expected a positive number, received {section.LearningRate}.");
        if (section.WeightDecay < 0)
            yield return new($"{path}.weightDecay", $"expected a number >= 0, received {section.WeightDecay}.");
        if (section.HeldOutFraction is < 0 or >= 1)
            yield return new($"{path}.heldOutFraction", $"expected a number in [0, 1), received {section.HeldOutFraction}.");
        if (!(section.Margin > 0))
            yield return new($"{path}.margin", $"expected a positive number, received {section.Margin}.");
        var corruption = section.Corruption;
        if (corruption.Size < 1)
            yield return new($"{path}.corruption.size", $"expected a positive integer, received {corruption.Size}.");
        if (corruption.Fraction is <= 0 or > 1)
            yield return new($"{path}.corruption.fraction", $"expected a number in (0, 1], received {corruption.Fraction}.");
        if (!(corruption.High > corruption.Low))
            yield return new($"{path}.corruption.high", $"expected high > low, received low {corruption.Low} and high {corruption.High}.");
    }
}
