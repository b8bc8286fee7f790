using Pretrain.Pretraining.Layers.Convolutions;
using Pretrain.Pretraining.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Networks;

/// <summary>
/// A trainable 2-D convolution with PyTorch's <c>nn.Conv2d</c> parameters (<c>weight</c> [C', C, k, k], <c>bias</c>
/// [C']) computed by <see cref="RepeatableConvolution"/>: libtorch 2.10's CPU <c>conv2d</c> input gradient now and then
/// returns NaN here, and fine-tuning must give the same network twice for the same seed.
/// Pooling, normalization and activation are separate modules after it.
/// </summary>
public sealed class Convolution2d : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Parameter bias;

    /// <summary>A convolution from <paramref name="inputChannels"/> to <paramref name="outputChannels"/> with zero weights (initialize them after).</summary>
    public Convolution2d(long inputChannels, long outputChannels, int kernel, int stride = 1, int padding = 0) : base(nameof(Convolution2d))
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputChannels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputChannels);
        (Kernel, Stride, Padding) = (kernel, stride, padding);
        weight = new Parameter(zeros(outputChannels, inputChannels, kernel, kernel));
        bias = new Parameter(zeros(outputChannels));
        RegisterComponents();
    }

    /// <summary>Kernels, [C', C, k, k].</summary>
    public Parameter Weight => weight;

    /// <summary>One bias per output channel, [C'].</summary>
    public Parameter Bias => bias;

    /// <summary>Kernel height and width.</summary>
    public int Kernel { get; }

    /// <summary>Step between kernel positions.</summary>
    public int Stride { get; }

    /// <summary>Zeros added on each side.</summary>
    public int Padding { get; }

    /// <summary>Inputs per output value (C·k·k), the fan-in initializers use.</summary>
    public long FanIn => weight.shape[1] * Kernel * Kernel;

    /// <summary>Outputs each input value reaches (C'·k·k), the fan-out initializers use.</summary>
    public long FanOut => weight.shape[0] * Kernel * Kernel;

    /// <inheritdoc />
    public override Tensor forward(Tensor input) => RepeatableConvolution.Conv2d(input, weight, bias, Stride, Padding);
}
