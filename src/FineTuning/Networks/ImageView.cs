using TorchSharp;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Networks;

/// <summary>
/// Views flat examples [B, C·H·W] as images [B, C, H, W] at the bottom of a convolutional network, so the network
/// takes the same flat rows as every other Pretrain network (data sets, caches, <c>predict</c> and exports stay flat).
/// Images that already have the shape pass through. Has no parameters.
/// </summary>
public sealed class ImageView : nn.Module<Tensor, Tensor>
{
    private readonly long[] _shape;

    /// <summary>A view to images of <paramref name="imageShape"/> <c>[C, H, W]</c>.</summary>
    public ImageView(IReadOnlyList<long> imageShape) : base(nameof(ImageView))
    {
        ArgumentNullException.ThrowIfNull(imageShape);
        if (imageShape.Count != 3 || imageShape.Any(s => s <= 0))
            throw new ArgumentException($"expected an image shape [C, H, W] of positive sizes, received [{string.Join(", ", imageShape)}].", nameof(imageShape));
        _shape = imageShape.ToArray();
    }

    /// <summary>The image shape <c>[C, H, W]</c>.</summary>
    public IReadOnlyList<long> Shape => _shape;

    /// <inheritdoc />
    public override Tensor forward(Tensor input) => input.reshape([input.shape[0], .. _shape]);
}
