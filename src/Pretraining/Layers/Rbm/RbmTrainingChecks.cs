using Pretrain.Pretraining.Validation;

namespace Pretrain.Pretraining.Layers.Rbm;

/// <summary>
/// The checks dense and convolutional RBM options share: contrastive divergence, momentum, decay, sparsity and the
/// training loop. One place, so both kinds word a problem the same way.
/// </summary>
internal static class RbmTrainingChecks
{
    public static IEnumerable<OptionProblem> Problems(IContrastiveDivergenceSettings settings, double initialMomentum, double finalMomentum,
        int epochs, int batchSize, int? patience, VisibleUnits visible, bool sampleVisibleInputs)
    {
        if (settings.CdSteps <= 0) yield return new("cdSteps", $"expected a positive integer, received {settings.CdSteps}.");
        if (!(settings.LearningRate > 0)) yield return new("learningRate", $"expected a positive number, received {settings.LearningRate}.");
        if (initialMomentum is < 0 or >= 1) yield return new("initialMomentum", $"expected a number in [0, 1), received {initialMomentum}.");
        if (finalMomentum is < 0 or >= 1) yield return new("finalMomentum", $"expected a number in [0, 1), received {finalMomentum}.");
        if (settings.WeightDecay < 0) yield return new("weightDecay", $"expected a number >= 0, received {settings.WeightDecay}.");
        if (settings.SparsityTarget is double target && (target <= 0 || target >= 1)) yield return new("sparsityTarget", $"expected a number in (0, 1), received {target}.");
        if (settings.SparsityDecay is < 0 or >= 1) yield return new("sparsityDecay", $"expected a number in [0, 1), received {settings.SparsityDecay}.");
        if (epochs <= 0) yield return new("epochs", $"expected a positive integer, received {epochs}.");
        if (batchSize <= 0) yield return new("batchSize", $"expected a positive integer, received {batchSize}.");
        if (patience is <= 0) yield return new("patience", $"expected a positive integer or null, received {patience}.");
        if (sampleVisibleInputs && visible == VisibleUnits.Gaussian) yield return new("sampleVisibleInputs", "only Bernoulli visible units can be sampled from probabilities.");
    }
}
