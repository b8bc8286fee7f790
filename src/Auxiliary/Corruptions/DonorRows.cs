using static TorchSharp.torch;

namespace Pretrain.Auxiliary.Corruptions;

/// <summary>Picks, for every row of a batch, another row of the same batch to borrow values from.</summary>
internal static class DonorRows
{
    /// <summary>
    /// Row i borrows from row (i + 1 + r) mod n with r uniform in [0, n - 2], so never from itself and uniformly from
    /// the others.
    /// </summary>
    public static Tensor Draw(long rows, Generator generator, Device device, string corruption)
    {
        if (rows < 2)
            throw new ArgumentException($"{corruption} borrows values from another instance of the batch, so it needs at least 2 instances; received {rows}.");
        var offsets = randint(0, rows - 1, [rows], generator: generator) + 1;
        return ((arange(rows) + offsets) % rows).to(device);
    }

    /// <summary>Uniform numbers drawn on the CPU generator and moved to <paramref name="device"/>.</summary>
    public static Tensor Uniform(long[] shape, Generator generator, Device device) => rand(shape, generator: generator).to(device);
}
