using Pretrain.Pretraining.Validation;

namespace Pretrain.Auxiliary.Text;

/// <summary>
/// How <see cref="DocumentClassifierTrainer"/> trains a document classifier. Not sealed: the recipe section
/// <c>text.classifier</c> derives from it, so these fields and their range checks exist once (the section sets its own
/// defaults in its constructor, and says so).
/// </summary>
public record DocumentClassifierTrainingOptions : IValidatedOptions
{
    /// <summary>Maximum passes over the labelled documents. Default 100 (recipe sections may state their own).</summary>
    public int Epochs { get; init; } = 100;

    /// <summary>Documents per batch. Default 32.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Adam's learning rate. Default 1e-3.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Epochs without a better validation accuracy before stopping. Default 15 (recipe sections may state their own).</summary>
    public int Patience { get; init; } = 15;

    /// <summary>Every value out of range, each with its field's path; a derived section adds its own fields' problems.</summary>
    public virtual IEnumerable<OptionProblem> Problems()
    {
        if (Epochs < 1) yield return new("epochs", $"expected a positive integer, received {Epochs}.");
        if (BatchSize < 1) yield return new("batchSize", $"expected a positive integer, received {BatchSize}.");
        if (!(LearningRate > 0)) yield return new("learningRate", $"expected a positive number, received {LearningRate}.");
        if (Patience < 1) yield return new("patience", $"expected a positive integer, received {Patience}.");
    }
}
