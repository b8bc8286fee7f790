using Pretrain.FineTuning.Augmentation;
using static TorchSharp.torch;

namespace Pretrain.Auxiliary.Corruptions;

/// <summary>
/// A random augmentation of each image (crop, rotation, shift, flip, brightness, erasing) as the "corruption" of the
/// same-versus-different task: two augmentations of one image are the "same" pair of contrastive pretraining. The same
/// <see cref="ImageAugmenter"/> that augments supervised training draws them.
/// </summary>
public sealed class AugmentedView : ICorruption
{
    private readonly ImageAugmenter _augmenter;
    private readonly ImageAugmentationOptions _options;

    /// <summary>Views of images of <paramref name="imageShape"/> <c>[C, H, W]</c> changed as <paramref name="options"/> say.</summary>
    public AugmentedView(ImageAugmentationOptions options, IReadOnlyList<long> imageShape)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        if (!options.IsActive)
            throw new ArgumentException("augmented views: switch on at least one change (crop, rotation, shift, horizontalFlip, brightness, erasing); otherwise both views are the image itself.", nameof(options));
        _augmenter = new ImageAugmenter(options, imageShape);
    }

    /// <inheritdoc />
    public Tensor Corrupt(Tensor batch, Generator generator) => _augmenter.Apply(batch, generator);

    /// <inheritdoc />
    public string Describe() =>
        $"augmented views (crop {_options.Crop}, rotation {_options.Rotation}, shift {_options.Shift}, flip {_options.HorizontalFlip}, brightness {_options.Brightness}, erasing {_options.Erasing})";
}
