using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Networks;

/// <summary>
/// Keeps the running statistics of every batch normalization in a module as they are now: a forward pass in training
/// mode after this is created normalizes with its batch's statistics as usual, and the running means, variances and
/// batch counts it moved are put back on disposal. Dispose it only after the backward pass through that forward: batch
/// normalization's backward keeps the running statistics it was given and refuses to run if they changed in place since.
/// The copies live in the caller's dispose scope.
/// </summary>
internal sealed class RunningStatisticsKept : IDisposable
{
    private readonly List<(Tensor Live, Tensor Saved)> _buffers = [];

    /// <param name="module">The network whose batch normalizations keep their statistics.</param>
    public RunningStatisticsKept(nn.Module module)
    {
        using var _ = no_grad();
        foreach (var norm in module.modules().OfType<NormBase>())
            foreach (var buffer in new[] { norm.running_mean, norm.running_var, norm.num_batches_tracked })
                if (buffer is not null)
                    _buffers.Add((buffer, buffer.clone()));
    }

    public void Dispose()
    {
        using var _ = no_grad();
        foreach (var (live, saved) in _buffers)
            live.copy_(saved);
    }
}
