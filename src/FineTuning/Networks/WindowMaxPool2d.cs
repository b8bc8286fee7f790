using Pretrain.Pretraining.Layers.Convolutions;
using TorchSharp;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Networks;

/// <summary>
/// Max-pooling over non-overlapping windows (window = stride, no padding, floor sizes): <c>nn.MaxPool2d(P)</c>'s
/// function, computed by <see cref="WindowMaxPooling"/> because libtorch's CPU kernel for it took a third of a CNN's
/// training step here. Exported to ONNX as MaxPool. No parameters.
/// </summary>
public sealed class WindowMaxPool2d : nn.Module<Tensor, Tensor>
{
    /// <summary>Pooling over <paramref name="poolSize"/> x <paramref name="poolSize"/> windows.</summary>
    public WindowMaxPool2d(int poolSize) : base(nameof(WindowMaxPool2d))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(poolSize, 2);
        PoolSize = poolSize;
    }

    /// <summary>The window's side, which is also its step.</summary>
    public int PoolSize { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input) => WindowMaxPooling.Pool(input, PoolSize);
}
