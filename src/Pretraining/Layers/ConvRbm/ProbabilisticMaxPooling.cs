using Pretrain.Pretraining.Runtime;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Layers.ConvRbm;

/// <summary>
/// Probabilistic max-pooling (Lee, Grosse, Ranganath and Ng, ICML 2009, section 3.3). The detection units of one
/// P x P window of a feature map, plus an "off" unit, form one softmax over P*P + 1 states: at most one detection unit
/// of a window is on, and the window's pooling unit is on exactly when one is. With pre-activations I (the
/// convolution plus the filter's bias), P(h_i = 1 | v) = exp(I_i) / (1 + sum_j exp(I_j)) over the window's units j and
/// P(pooling unit on | v) = 1 - 1 / (1 + sum_j exp(I_j)) = sigmoid(logsumexp_j I_j), a differentiable function of I.
/// Every exponential is taken relative to its window's largest pre-activation, so large ones do not overflow.
/// </summary>
public static class ProbabilisticMaxPooling
{
    /// <summary>
    /// The pooling units' probabilities, [B, K, H/P, W/P] from pre-activations <paramref name="preActivation"/>
    /// [B, K, H, W] (rows and columns that fill no window are dropped, as max-pooling drops them).
    /// </summary>
    public static Tensor Pooled(Tensor preActivation, int pool)
    {
        ArgumentNullException.ThrowIfNull(preActivation);
        using var scope = NewDisposeScope();
        var (stabilizer, _, sums, denominator) = Windows(preActivation, pool);
        return (sums / denominator).MoveToOuterDisposeScope();
    }

    /// <summary>log(1 + sum over each window of exp(I)), [B, K, H/P, W/P]: the window's term in the free energy.</summary>
    public static Tensor LogPartition(Tensor preActivation, int pool)
    {
        ArgumentNullException.ThrowIfNull(preActivation);
        using var scope = NewDisposeScope();
        var (stabilizer, _, _, denominator) = Windows(preActivation, pool);
        return (stabilizer + denominator.log()).MoveToOuterDisposeScope();
    }

    /// <summary>P(h_i = 1 | v) of every detection unit, [B, K, H, W]; H and W must be multiples of <paramref name="pool"/>.</summary>
    public static Tensor DetectionProbabilities(Tensor preActivation, int pool)
    {
        ArgumentNullException.ThrowIfNull(preActivation);
        RequireWhole(preActivation, pool);
        using var scope = NewDisposeScope();
        var (_, exponentials, _, denominator) = Windows(preActivation, pool);
        return (exponentials / Convolutions.WindowUpsampling.Nearest(denominator, pool)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// A sample of the detection units given their probabilities <paramref name="probabilities"/> [B, K, H, W] (as
    /// <see cref="DetectionProbabilities"/> gives them): per window, one uniform draw picks unit i with its probability,
    /// or none with the rest, so at most one unit per window is on.
    /// </summary>
    public static Tensor Sample(Tensor probabilities, int pool, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        RequireWhole(probabilities, pool);
        using var scope = NewDisposeScope();
        var windows = Rows(probabilities, pool);
        var uniform = UniformDraws.Sample([.. windows.shape[..^1], 1], generator, windows.device, windows.dtype);
        // Unit i is on when cumsum_{i-1} < u <= cumsum_i; when u is above every cumulative sum the window is off.
        // The previous sums are the same numbers shifted (not cumsum - p, which rounds), so the intervals never overlap.
        var cumulative = windows.cumsum(-1);
        var previous = nn.functional.pad(cumulative.narrow(-1, 0, pool * pool - 1), [1, 0]);
        var states = (previous < uniform).logical_and(uniform <= cumulative).to(probabilities.dtype);
        return Unwindowed(states, pool).MoveToOuterDisposeScope();
    }

    // Per window, with m = max(0, the window's largest pre-activation) so that no exponential exceeds 1: m, exp(I - m)
    // of every covered unit, their window sums, and exp(-m) + those sums (the off state's exp(0) scaled alike). Built
    // from window maxima, sums and copies (Convolutions.Window*), much faster on the CPU than a softmax over a permuted
    // last dimension, and than libtorch's pooling kernels.
    private static (Tensor Stabilizer, Tensor Exponentials, Tensor Sums, Tensor Denominator) Windows(Tensor maps, int pool)
    {
        if (pool <= 0)
            throw new ArgumentOutOfRangeException(nameof(pool), pool, "the pooling window must be positive.");
        var (rows, cols) = (maps.shape[2] / pool * pool, maps.shape[3] / pool * pool);
        var covered = maps.narrow(2, 0, rows).narrow(3, 0, cols);
        var stabilizer = Convolutions.WindowMaxPooling.Pool(covered, pool).clamp_min(0);
        var exponentials = (covered - Convolutions.WindowUpsampling.Nearest(stabilizer, pool)).exp();
        var sums = Convolutions.WindowSumPooling.Sum(exponentials, pool);
        return (stabilizer, exponentials, sums, (-stabilizer).exp() + sums);
    }

    // [B, K, H, W] -> [B, K, H/P, W/P, P*P]: each window's units in one row.
    private static Tensor Rows(Tensor maps, int pool)
    {
        var (batch, channels, rows, cols) = (maps.shape[0], maps.shape[1], maps.shape[2] / pool, maps.shape[3] / pool);
        return maps.reshape(batch, channels, rows, pool, cols, pool).permute(0, 1, 2, 4, 3, 5).reshape(batch, channels, rows, cols, pool * pool);
    }

    // [B, K, H/P, W/P, P*P] -> [B, K, H, W], the inverse of Rows.
    private static Tensor Unwindowed(Tensor windows, int pool)
    {
        var (batch, channels, rows, cols) = (windows.shape[0], windows.shape[1], windows.shape[2], windows.shape[3]);
        return windows.reshape(batch, channels, rows, cols, pool, pool).permute(0, 1, 2, 4, 3, 5).reshape(batch, channels, rows * pool, cols * pool);
    }

    private static void RequireWhole(Tensor maps, int pool)
    {
        if (maps.dim() != 4 || pool <= 0 || maps.shape[2] % pool != 0 || maps.shape[3] % pool != 0)
            throw new ArgumentException($"probabilistic max-pooling {pool} needs [B, K, H, W] maps whose sides are multiples of {pool}, received [{string.Join(", ", maps.shape)}].");
    }
}
