using static TorchSharp.torch;

namespace Pretrain.Pretraining.Layers.ConvRbm;

/// <summary>
/// Probabilistic max-pooling (Lee, Grosse, Ranganath and Ng, ICML 2009, section 3.3). The detection units of one
/// P x P window of a feature map, plus an "off" unit, form one softmax over P*P + 1 states: at most one detection unit
/// of a window is on, and the window's pooling unit is on exactly when one is. With pre-activations I (the
/// convolution plus the filter's bias), P(h_i = 1 | v) = exp(I_i) / (1 + sum_j exp(I_j)) over the window's units j and
/// P(pooling unit on | v) = 1 - 1 / (1 + sum_j exp(I_j)) = sigmoid(logsumexp_j I_j), a differentiable function of I.
/// Everything is computed through logsumexp and softmax, so large pre-activations do not overflow.
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
        return Windows(preActivation, pool).logsumexp(-1).sigmoid().MoveToOuterDisposeScope();
    }

    /// <summary>log(1 + sum over each window of exp(I)), [B, K, H/P, W/P]: the window's term in the free energy.</summary>
    public static Tensor LogPartition(Tensor preActivation, int pool)
    {
        ArgumentNullException.ThrowIfNull(preActivation);
        using var scope = NewDisposeScope();
        return nn.functional.softplus(Windows(preActivation, pool).logsumexp(-1)).MoveToOuterDisposeScope();
    }

    /// <summary>P(h_i = 1 | v) of every detection unit, [B, K, H, W]; H and W must be multiples of <paramref name="pool"/>.</summary>
    public static Tensor DetectionProbabilities(Tensor preActivation, int pool)
    {
        ArgumentNullException.ThrowIfNull(preActivation);
        RequireWhole(preActivation, pool);
        using var scope = NewDisposeScope();
        var windows = Windows(preActivation, pool);
        // The "off" state has energy 0: one more logit of zero per window, [B, K, H/P, W/P, P*P + 1].
        var states = cat([windows, zeros([.. windows.shape[..^1], 1], dtype: windows.dtype, device: windows.device)], -1);
        var detection = states.softmax(-1).narrow(-1, 0, pool * pool);
        return Unwindowed(detection, pool).MoveToOuterDisposeScope();
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
        var windows = Windows(probabilities, pool);
        var uniform = rand([.. windows.shape[..^1], 1], generator: generator, dtype: windows.dtype, device: windows.device);
        // Unit i is chosen when cumsum_{i-1} < u <= cumsum_i; the count of cumulative sums below u is i (P*P: off).
        var chosen = (windows.cumsum(-1) < uniform).sum(-1);
        var states = nn.functional.one_hot(chosen, pool * pool + 1).narrow(-1, 0, pool * pool).to(probabilities.dtype);
        return Unwindowed(states, pool).MoveToOuterDisposeScope();
    }

    // [B, K, H, W] -> [B, K, H/P, W/P, P*P]: each window's units in one row.
    private static Tensor Windows(Tensor maps, int pool)
    {
        if (pool <= 0)
            throw new ArgumentOutOfRangeException(nameof(pool), pool, "the pooling window must be positive.");
        var (batch, channels, rows, cols) = (maps.shape[0], maps.shape[1], maps.shape[2] / pool, maps.shape[3] / pool);
        return maps.narrow(2, 0, rows * pool).narrow(3, 0, cols * pool)
            .reshape(batch, channels, rows, pool, cols, pool).permute(0, 1, 2, 4, 3, 5).reshape(batch, channels, rows, cols, pool * pool);
    }

    // [B, K, H/P, W/P, P*P] -> [B, K, H, W], the inverse of Windows for whole windows.
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
