using static TorchSharp.torch;

namespace Pretrain.Auxiliary.Corruptions;

/// <summary>
/// A square patch at a random position in every image of a batch, as a boolean mask shaped like the batch. Images
/// may come flattened (<c>[N, H*W*C]</c>, channels first) or shaped (<c>[N, C, H, W]</c> or <c>[N, H, W]</c>).
/// </summary>
internal static class ImagePatch
{
    public static Tensor Mask(Tensor batch, int height, int width, int size, Generator generator, string corruption)
    {
        var perImage = batch.shape.Skip(1).Aggregate(1L, (a, b) => a * b);
        if (batch.dim() < 2 || perImage % ((long)height * width) != 0)
            throw new ArgumentException($"{corruption}: expected images of {height}x{width} pixels (flattened or shaped), received a batch of shape [{string.Join(", ", batch.shape)}].");
        var n = batch.shape[0];
        var top = randint(0, height - size + 1, [n, 1, 1, 1], generator: generator).to(batch.device);
        var left = randint(0, width - size + 1, [n, 1, 1, 1], generator: generator).to(batch.device);
        var rows = arange(height, device: batch.device).view(1, 1, height, 1);
        var columns = arange(width, device: batch.device).view(1, 1, 1, width);
        var inside = (rows >= top) & (rows < top + size) & (columns >= left) & (columns < left + size);
        var channels = perImage / ((long)height * width);
        return inside.expand(n, channels, height, width).reshape(batch.shape);
    }

    public static void CheckGeometry(int height, int width, int size, string corruption)
    {
        if (height < 1 || width < 1)
            throw new ArgumentException($"{corruption}: image height and width must be positive, received {height}x{width}.");
        if (size < 1 || size > height || size > width)
            throw new ArgumentException($"{corruption}: the patch size must be between 1 and the image's smaller side ({Math.Min(height, width)}), received {size}.");
    }
}
