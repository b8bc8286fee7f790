using Pretrain.Auxiliary.Corruptions;
using Pretrain.Recipes.Model;
using Pretrain.Pretraining;

namespace Pretrain.Recipes.Pipeline;

/// <summary>Builds the corruption a recipe names, checked against the shape of the data it will corrupt.</summary>
internal static class CorruptionFactory
{
    public static ICorruption Create(CorruptionSection section, IReadOnlyList<long> sampleShape, string path)
    {
        if (section.Kind is CorruptionKind.FeatureSwap or CorruptionKind.PixelNoise)
            return section.Kind == CorruptionKind.FeatureSwap ? new FeatureSwap(section.Fraction) : new PixelNoise(section.Fraction, section.Low, section.High);
        if (sampleShape.Count < 2)
            throw new PretrainException($"{path}.kind: {section.Kind} works on images, but the examples have shape [{string.Join(", ", sampleShape)}]; use featureSwap or pixelNoise for feature vectors.");
        if (section.Kind == CorruptionKind.Augmentation)
            return new AugmentedView(section.Augmentation!, Pretraining.Layers.SampleShapes.AsImage(sampleShape)
                ?? throw new PretrainException($"{path}.kind: augmentation works on images [H, W] or [C, H, W], but the examples have shape [{string.Join(", ", sampleShape)}]."));
        var (height, width) = ((int)sampleShape[^2], (int)sampleShape[^1]);
        if (section.Size > Math.Min(height, width))
            throw new PretrainException($"{path}.size: a {section.Size}-pixel patch does not fit {height}x{width} images.");
        return section.Kind == CorruptionKind.PatchSwap
            ? new PatchSwap(height, width, section.Size)
            : new BlockMask(height, width, section.Size, section.FillValue);
    }
}
