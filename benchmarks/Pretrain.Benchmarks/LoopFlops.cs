namespace Pretrain.Benchmarks;

/// <summary>
/// Matrix-product FLOPs per sample of each compared loop, counted like <c>throughput_torch.py</c>: 2mnk per product,
/// elementwise work ignored, no input gradient for the data layer. The dense figures equal the baseline's
/// <c>FLOPS</c> table; the convolutional and text ones are counted here the same way (the baseline has none).
/// </summary>
internal static class LoopFlops
{
    /// <summary>One 784x500 product per sample.</summary>
    private const double Mm = 2.0 * 784 * 500;

    /// <summary>Tied DAE: encoder and decoder forward, decoder weight gradient, hidden gradient, encoder weight gradient.</summary>
    public const double Dae = 5 * Mm;

    /// <summary>CD-k: v0 to h0, k Gibbs steps of two products each, and the two statistics v0'ph0 and vk'phk (CD-1: 5).</summary>
    public static double Rbm(int steps) => (3 + 2 * steps) * Mm;

    /// <summary>784-500-500-10: forward and weight gradients of every layer, input gradients of the upper two.</summary>
    public const double FineTune = 2 * 2 * (784 * 500 + 500 * 500 + 500 * 10) + 2 * (500 * 500 + 500 * 10);

    /// <summary>Frozen 784-500-500 bottom forward, head forward and weight gradient.</summary>
    public const double FrozenRecompute = 2 * (784 * 500 + 500 * 500) + 2 * 2 * 500 * 10;

    /// <summary>Head forward and weight gradient on cached features.</summary>
    public const double FrozenCached = 2 * 2 * 500 * 10;

    /// <summary>3x3 convolution 1->32 at 28x28 (and the decoder's 32->1 at 28x28): 2 * 784 * 32 * 9.</summary>
    private const double Conv1 = 2.0 * 28 * 28 * 32 * 9;

    /// <summary>Conv DAE block 1: encoder and decoder forward, decoder weight and input gradients, encoder weight gradient.</summary>
    public const double ConvDae = 5 * Conv1;

    /// <summary>CNN 1->32->64 -> 256 -> 10: forward, input and weight gradients of all layers but the first (weights only).</summary>
    public static double ConvFineTune
    {
        get
        {
            const double conv2 = 2.0 * 14 * 14 * 64 * 32 * 9, dense1 = 2.0 * 3136 * 256, dense2 = 2.0 * 256 * 10;
            return Conv1 + conv2 + dense1 + dense2 + 2 * (conv2 + dense1 + dense2) + Conv1;
        }
    }

    /// <summary>
    /// Ranking on windows of <paramref name="window"/> words embedded in <paramref name="embedding"/> values, one hidden
    /// layer of <paramref name="hidden"/> units and a scoring unit: a good and a corrupted window forward, and their
    /// weight and input gradients (the embedding rows receive gradients): three times the forward cost, twice.
    /// </summary>
    public static double Ranking(int window, int embedding, int hidden) => 2 * 3 * (2.0 * window * embedding * hidden + 2.0 * hidden);
}
