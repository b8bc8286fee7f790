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

    /// <summary>Adam's learning rate (of the softmax layer; lower layers may train slower, <see cref="LayerLearningRateFactor"/>). Default 1e-3.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Epochs without a better validation accuracy before stopping (counted once every layer is trainable). Default 15 (recipe sections may state their own).</summary>
    public int Patience { get; init; } = 15;

    /// <summary>Dropout on the pooled document features while training, in [0, 1). Default 0.</summary>
    public double Dropout { get; init; }

    /// <summary>
    /// Gradual unfreezing, as in fine-tuning (<c>training.unfreezeEveryEpochs</c>): training starts with only the
    /// softmax layer trainable, the encoder frozen and its pooled features of the labelled documents computed once and
    /// cached; every this many epochs one more layer below is unfrozen (the top hidden layer first, the word embeddings
    /// last). Null (default) trains every layer from the start.
    /// </summary>
    public int? UnfreezeEveryEpochs { get; init; }

    /// <summary>
    /// Discriminative learning rates, as in fine-tuning (<c>training.layerLearningRateFactor</c>): each layer trains at
    /// this fraction of the rate of the layer above it, the softmax layer at <see cref="LearningRate"/>. Default 1.
    /// </summary>
    public double LayerLearningRateFactor { get; init; } = 1;

    /// <summary>Every value out of range, each with its field's path; a derived section adds its own fields' problems.</summary>
    public virtual IEnumerable<OptionProblem> Problems()
    {
        if (Epochs < 1) yield return new("epochs", $"expected a positive integer, received {Epochs}.");
        if (BatchSize < 1) yield return new("batchSize", $"expected a positive integer, received {BatchSize}.");
        if (!(LearningRate > 0)) yield return new("learningRate", $"expected a positive number, received {LearningRate}.");
        if (Patience < 1) yield return new("patience", $"expected a positive integer, received {Patience}.");
        if (Dropout is not (>= 0 and < 1)) yield return new("dropout", $"expected a probability in [0, 1), received {Dropout}.");
        if (UnfreezeEveryEpochs is < 1) yield return new("unfreezeEveryEpochs", $"expected a positive integer, received {UnfreezeEveryEpochs}.");
        if (LayerLearningRateFactor is not (> 0 and <= 1)) yield return new("layerLearningRateFactor", $"expected a number in (0, 1], received {LayerLearningRateFactor}.");
    }
}
