using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Networks;

/// <summary>
/// Makes the batch normalizations of a network built from a pretrained stack start as the identity: each one's running
/// statistics are estimated on training examples and its scale and shift set to undo them
/// (<c>weight = sqrt(var + eps)</c>, <c>bias = mean</c>). Inserting batch normalization after pretrained layers then
/// keeps the pretrained function at the start of fine-tuning (exactly in evaluation mode, up to batch noise in
/// training mode), instead of rescaling every pretrained feature to unit variance on the first step.
/// </summary>
public static class BatchNormCalibration
{
    /// <summary>Training examples the statistics are estimated on by default.</summary>
    public const int DefaultSampleSize = 4096;

    /// <summary>
    /// Calibrates every <see cref="NormBase"/> child of <paramref name="network"/> in order, on the first
    /// <paramref name="sampleSize"/> rows of <paramref name="features"/> (the network's own inputs), and returns their
    /// names. The running statistics are always estimated; <paramref name="start"/> says whether scale and shift undo them
    /// (<see cref="BatchNormStart.Identity"/>) or stay 1 and 0 (<see cref="BatchNormStart.Standard"/>), in which case each
    /// later normalization is estimated on the normalized outputs below it. The network is left in evaluation mode; its
    /// other weights are untouched.
    /// </summary>
    public static IReadOnlyList<string> Calibrate(Sequential network, Tensor features, int sampleSize = DefaultSampleSize,
        BatchNormStart start = BatchNormStart.Identity)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(features);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleSize);
        var calibrated = new List<string>();
        network.eval();
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var device = network.parameters().FirstOrDefault()?.device ?? features.device;
        var x = features.narrow(0, 0, Math.Min(sampleSize, features.shape[0])).to(device);
        foreach (var (name, child) in network.named_children())
        {
            if (child is NormBase norm && norm.running_mean is { } mean && norm.running_var is { } variance)
            {
                // Statistics per channel: over examples (and positions, for feature maps).
                long[] dims = x.dim() == 2 ? [0] : [0, .. Enumerable.Range(2, (int)x.dim() - 2).Select(d => (long)d)];
                var batchMean = x.mean(dims);
                var batchVariance = x.var(dims, unbiased: true);
                mean.copy_(batchMean);
                variance.copy_(batchVariance);
                if (start == BatchNormStart.Identity)
                {
                    norm.weight.copy_((batchVariance + norm.eps).sqrt());
                    norm.bias?.copy_(batchMean);
                }
                else
                {
                    norm.weight.fill_(1);
                    norm.bias?.zero_();
                }
                calibrated.Add(name);
            }
            x = ((nn.Module<Tensor, Tensor>)child).forward(x);
        }
        return calibrated;
    }
}
