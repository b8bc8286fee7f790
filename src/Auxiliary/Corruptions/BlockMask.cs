using static TorchSharp.torch;

namespace Pretrain.Auxiliary.Corruptions;

/// <summary>Sets a random square block of every image to a fill value (zero: black on unit-scaled images).</summary>
public sealed class BlockMask : ICorruption
{
    /// <summary>Creates the corruption for images of <paramref name="height"/> x <paramref name="width"/> pixels.</summary>
    public BlockMask(int height, int width, int blockSize, double fillValue = 0)
    {
        ImagePatch.CheckGeometry(height, width, blockSize, "block masking");
        Height = height;
        Width = width;
        BlockSize = blockSize;
        FillValue = fillValue;
    }

    /// <summary>Image height in pixels.</summary>
    public int Height { get; }

    /// <summary>Image width in pixels.</summary>
    public int Width { get; }

    /// <summary>Side of the square block in pixels.</summary>
    public int BlockSize { get; }

    /// <summary>The value written into the block.</summary>
    public double FillValue { get; }

    /// <inheritdoc />
    public Tensor Corrupt(Tensor batch, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(batch);
        using var scope = NewDisposeScope();
        var mask = ImagePatch.Mask(batch, Height, Width, BlockSize, generator, "block masking");
        return batch.masked_fill(mask, FillValue).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public string Describe() => $"block mask {BlockSize}x{BlockSize} (fill {FillValue})";
}
