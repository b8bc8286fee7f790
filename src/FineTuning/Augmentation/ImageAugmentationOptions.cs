using Pretrain.Pretraining.Validation;

namespace Pretrain.FineTuning.Augmentation;

/// <summary>
/// Random changes to each training image, drawn anew every time it is seen (the recipe's <c>training.augmentation</c>).
/// Validation and test images are never changed. Needs examples with an image shape ([H, W] or [C, H, W]).
/// </summary>
public sealed record ImageAugmentationOptions : IValidatedOptions
{
    /// <summary>
    /// Largest shift in pixels, up, down, left or right (each direction drawn uniformly from -shift..shift); the
    /// uncovered border is filled with zeros, as torchvision's padded <c>RandomCrop</c> does. Default 0 (none).
    /// </summary>
    public int Shift { get; init; }

    /// <summary>Mirror half of the images left to right (for data where that keeps the label, such as clothes). Default false.</summary>
    public bool HorizontalFlip { get; init; }

    /// <summary>
    /// Probability of random erasing (Zhong et al., 2017): a rectangle of 2-33% of the image, aspect ratio 0.3-3.3, set
    /// to zero. Default 0 (none).
    /// </summary>
    public double Erasing { get; init; }

    /// <summary>
    /// Random resized crop: the smallest share of the image area a crop keeps (drawn per image between this and 1,
    /// aspect ratio 3/4 to 4/3, anywhere that fits), resized back to the full image. Default 1 (none).
    /// </summary>
    public double Crop { get; init; } = 1;

    /// <summary>Largest rotation in degrees, either way (drawn per image). Default 0 (none).</summary>
    public double Rotation { get; init; }

    /// <summary>Brightness jitter: each image multiplied by a factor drawn from [1 - b, 1 + b]. Default 0 (none).</summary>
    public double Brightness { get; init; }

    /// <summary>True when any change is switched on.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsActive => Shift > 0 || HorizontalFlip || Erasing > 0 || Crop < 1 || Rotation > 0 || Brightness > 0;

    /// <inheritdoc />
    public IEnumerable<OptionProblem> Problems()
    {
        if (Shift < 0)
            yield return new("shift", $"expected a number of pixels >= 0, received {Shift}.");
        if (Erasing is not (>= 0 and <= 1))
            yield return new("erasing", $"expected a probability in [0, 1], received {Erasing}.");
        if (Crop is not (> 0 and <= 1))
            yield return new("crop", $"expected a share of the image area in (0, 1], received {Crop}.");
        if (Rotation is not (>= 0 and <= 180))
            yield return new("rotation", $"expected degrees in [0, 180], received {Rotation}.");
        if (Brightness is not (>= 0 and < 1))
            yield return new("brightness", $"expected a number in [0, 1), received {Brightness}.");
    }
}
