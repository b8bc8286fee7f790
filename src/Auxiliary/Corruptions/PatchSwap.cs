using static TorchSharp.torch;

namespace Pretrain.Auxiliary.Corruptions;

/// <summary>
/// Replaces a random square patch of every image with the same patch of another image of the batch: the bad image
/// is locally plausible but globally wrong, which a network can only spot by relating the patch to its surroundings.
/// </summary>
public sealed class PatchSwap : ICorruption
{
    /// <summary>Creates the corruption for images of <paramref name="height"/> x <paramref name="width"/> pixels.</summary>
    public PatchSwap(int height, int width, int patchSize)
    {
        ImagePatch.CheckGeometry(height, width, patchSize, "patch swap");
        Height = height;
        Width = width;
        PatchSize = patchSize;
    }

    /// <summary>Image height in pixels.</summary>
    public int Height { get; }

    /// <summary>Image width in pixels.</summary>
    public int Width { get; }

    /// <summary>Side of the square patch in pixels.</summary>
    public int PatchSize { get; }

    /// <inheritdoc />
    public Tensor Corrupt(Tensor batch, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(batch);
        using var scope = NewDisposeScope();
        var mask = ImagePatch.Mask(batch, Height, Width, PatchSize, generator, "patch swap");
        var donors = DonorRows.Draw(batch.shape[0], generator, batch.device, "patch swap");
        return where(mask, batch.index_select(0, donors), batch).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public string Describe() => $"patch swap {PatchSize}x{PatchSize}";
}
