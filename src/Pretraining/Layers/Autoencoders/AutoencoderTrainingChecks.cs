using Pretrain.Pretraining.Validation;

namespace Pretrain.Pretraining.Layers.Autoencoders;

/// <summary>
/// The checks dense and convolutional autoencoder options share: how they are trained (epochs, batches, rate, decay,
/// momentum, patience) and how their inputs are corrupted. One place, so both kinds word a problem the same way.
/// </summary>
internal static class AutoencoderTrainingChecks
{
    public static IEnumerable<OptionProblem> Problems(int epochs, int batchSize, double learningRate, double weightDecay, double momentum,
        int? patience, NoiseKind noise, double noiseLevel)
    {
        if (epochs <= 0) yield return new("epochs", $"expected a positive integer, received {epochs}.");
        if (batchSize <= 0) yield return new("batchSize", $"expected a positive integer, received {batchSize}.");
        if (!(learningRate > 0)) yield return new("learningRate", $"expected a positive number, received {learningRate}.");
        if (weightDecay < 0) yield return new("weightDecay", $"expected a number >= 0, received {weightDecay}.");
        if (momentum is < 0 or >= 1) yield return new("momentum", $"expected a number in [0, 1), received {momentum}.");
        if (patience is <= 0) yield return new("patience", $"expected a positive integer or null, received {patience}.");
        if (noise is NoiseKind.Masking or NoiseKind.SaltAndPepper && noiseLevel is < 0 or > 1)
            yield return new("noiseLevel", $"expected a fraction in [0, 1] for {noise} noise, received {noiseLevel}.");
    }
}
