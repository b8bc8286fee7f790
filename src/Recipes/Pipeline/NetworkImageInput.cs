using Pretrain.FineTuning.Models;
using Pretrain.Pretraining;
using Pretrain.Pretraining.Data.Images;

namespace Pretrain.Recipes.Pipeline;

/// <summary>
/// How image files become inputs of a saved network: decoded to the image its input is, so a folder of images of any
/// size predicts with a network trained on IDX, NPY or image-folder data. The shape comes from <c>network.json</c>
/// (a CNN's <c>architecture.imageShape</c>, else <c>input.shape</c>): <c>[C, H, W]</c> with C 1 (grayscale) or 3
/// (RGB), or <c>[H, W]</c> (grayscale). Pixels stay 0..255, which the network's saved scaling expects of image data.
/// </summary>
public static class NetworkImageInput
{
    /// <summary>
    /// The decoding <paramref name="network"/>'s inputs need; a <see cref="PretrainException"/> naming the manifest
    /// when its input is not an image (e.g. <c>[784]</c> from a CSV without a shape, or channels last).
    /// </summary>
    public static ImageDecoding DecodingFor(SavedNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        var shape = network.Manifest.Architecture.ImageShape ?? network.Manifest.Input.Shape;
        return shape switch
        {
            [var c and (1 or 3), var h, var w] when Fits(c, h, w) => new ImageDecoding((int)c, (int)h, (int)w),
            [var h, var w] when Fits(1, h, w) => new ImageDecoding(1, (int)h, (int)w),
            _ => throw new PretrainException($"{network.ManifestPath}: the network takes examples of shape [{string.Join(", ", shape)}], which is not an image; an image folder is read for a network whose input is [C, H, W] with C 1 (grayscale) or 3 (RGB), or [H, W] (grayscale)."),
        };
    }

    private static bool Fits(long channels, long height, long width) =>
        height > 0 && width > 0 && channels * height * width <= int.MaxValue;
}
