using TorchSharp;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Augmentation;

/// <summary>
/// Applies <see cref="ImageAugmentationOptions"/> to whole minibatches at once: every image gets its own shift, flip
/// and erased rectangle, drawn from the caller's seeded generator (on the CPU, so a seed gives the same changes on any
/// device), with gathers and masks instead of a loop over images. Used for supervised training and to make the two
/// views of contrastive pretraining.
/// </summary>
public sealed class ImageAugmenter
{
    private readonly ImageAugmentationOptions _options;
    private readonly long[] _image;

    /// <summary>An augmenter for images of <paramref name="imageShape"/> <c>[C, H, W]</c>.</summary>
    public ImageAugmenter(ImageAugmentationOptions options, IReadOnlyList<long> imageShape)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(imageShape);
        if (imageShape.Count != 3)
            throw new ArgumentException($"expected an image shape [C, H, W], received [{string.Join(", ", imageShape)}].", nameof(imageShape));
        (_options, _image) = (options, imageShape.ToArray());
    }

    /// <summary>The image shape <c>[C, H, W]</c>.</summary>
    public IReadOnlyList<long> ImageShape => _image;

    /// <summary>
    /// New, changed copies of <paramref name="batch"/> (flat rows [B, C·H·W] or images [B, C, H, W]), in the same shape,
    /// dtype and device, in the caller's dispose scope, with every change drawn from <paramref name="generator"/>.
    /// </summary>
    public Tensor Apply(Tensor batch, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(generator);
        using var scope = NewDisposeScope();
        var images = batch.reshape([batch.shape[0], .. _image]);
        if (_options.Crop < 1 || _options.Rotation > 0)
            images = CropAndRotate(images, _options.Crop, _options.Rotation, generator);
        if (_options.Shift > 0)
            images = Shift(images, _options.Shift, generator);
        if (_options.HorizontalFlip)
            images = Flip(images, generator);
        if (_options.Brightness > 0)
            images = images * (rand([images.shape[0], 1, 1, 1], generator: generator) * (2 * _options.Brightness) + (1 - _options.Brightness)).to(images.device);
        if (_options.Erasing > 0)
            images = Erase(images, _options.Erasing, generator);
        return images.reshape(batch.shape).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// A random resized crop and rotation in one bilinear resampling: per image, an affine map from the output grid to
    /// a window of area share U(<paramref name="crop"/>, 1) and aspect ratio 3/4-4/3, rotated by up to
    /// <paramref name="degrees"/>, placed anywhere that keeps the window's centre span inside the image; zeros outside.
    /// </summary>
    private static Tensor CropAndRotate(Tensor images, double crop, double degrees, Generator generator)
    {
        var batch = images.shape[0];
        var area = rand([batch], generator: generator) * (1 - crop) + crop;
        var ratio = (rand([batch], generator: generator) * (Math.Log(4.0 / 3) - Math.Log(3.0 / 4)) + Math.Log(3.0 / 4)).exp();
        // Half-widths of the window in normalized coordinates ([-1, 1] spans the image).
        var sx = (area * ratio).sqrt().clamp_max(1);
        var sy = (area / ratio).sqrt().clamp_max(1);
        var cx = (rand([batch], generator: generator) * 2 - 1) * (1 - sx);
        var cy = (rand([batch], generator: generator) * 2 - 1) * (1 - sy);
        var angle = (rand([batch], generator: generator) * 2 - 1) * (degrees * Math.PI / 180);
        var (cos, sin) = (angle.cos(), angle.sin());
        // theta maps output coordinates to input ones: scale, then rotate, then move to the window's centre.
        var theta = stack([stack([sx * cos, -sy * sin, cx], 1), stack([sx * sin, sy * cos, cy], 1)], 1).to(images.dtype).to(images.device);
        var grid = nn.functional.affine_grid(theta, images.shape, align_corners: false);
        return nn.functional.grid_sample(images, grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Zeros, align_corners: false);
    }

    /// <summary>Pads by <paramref name="shift"/> zeros and cuts each image's window at its own offset (two gathers).</summary>
    private static Tensor Shift(Tensor images, int shift, Generator generator)
    {
        var (batch, channels, height, width) = (images.shape[0], images.shape[1], images.shape[2], images.shape[3]);
        var padded = nn.functional.pad(images, [shift, shift, shift, shift]);
        var dy = randint(0, 2 * shift + 1, [batch, 1], generator: generator);
        var dx = randint(0, 2 * shift + 1, [batch, 1], generator: generator);
        var rows = (dy + arange(height)).to(images.device).view(batch, 1, height, 1).expand(batch, channels, height, width + 2 * shift);
        var columns = (dx + arange(width)).to(images.device).view(batch, 1, 1, width).expand(batch, channels, height, width);
        return padded.gather(2, rows).gather(3, columns);
    }

    private static Tensor Flip(Tensor images, Generator generator)
    {
        var flipped = (rand([images.shape[0]], generator: generator) < 0.5).to(images.device).view(-1, 1, 1, 1);
        return where(flipped, images.flip(3), images);
    }

    /// <summary>
    /// Random erasing: with probability <paramref name="probability"/> per image, a rectangle of area fraction
    /// U(0.02, 0.33) and log-uniform aspect ratio in (0.3, 3.3), clipped to the image, is set to zero.
    /// </summary>
    private static Tensor Erase(Tensor images, double probability, Generator generator)
    {
        var (batch, height, width) = (images.shape[0], images.shape[2], images.shape[3]);
        var erase = rand([batch], generator: generator) < probability;
        var area = (rand([batch], generator: generator) * 0.31 + 0.02) * (height * width);
        var ratio = (rand([batch], generator: generator) * (Math.Log(3.3) - Math.Log(0.3)) + Math.Log(0.3)).exp();
        var h = (area * ratio).sqrt().round().clamp(1, height).to(ScalarType.Int64);
        var w = (area / ratio).sqrt().round().clamp(1, width).to(ScalarType.Int64);
        var top = (rand([batch], generator: generator) * (height - h + 1)).floor().to(ScalarType.Int64);
        var left = (rand([batch], generator: generator) * (width - w + 1)).floor().to(ScalarType.Int64);
        var ys = arange(height).view(1, -1);
        var xs = arange(width).view(1, -1);
        var inRows = ys.ge(top.view(-1, 1)) & ys.lt((top + h).view(-1, 1));
        var inColumns = xs.ge(left.view(-1, 1)) & xs.lt((left + w).view(-1, 1));
        var mask = (inRows.view(batch, 1, height, 1) & inColumns.view(batch, 1, 1, width) & erase.view(batch, 1, 1, 1)).to(images.device);
        return images.masked_fill(mask, 0);
    }
}
