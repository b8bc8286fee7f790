using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pretrain.Auxiliary.Tasks;

/// <summary>A single linear unit on top of the encoder: the logit or score of the binary auxiliary tasks.</summary>
internal sealed class LinearHead : IDisposable
{
    public LinearHead(int inputs, Device device, Generator generator)
    {
        var bound = 1 / Math.Sqrt(inputs);
        Weight = new Parameter(empty([1, inputs]).uniform_(-bound, bound, generator: generator).to(device));
        Bias = new Parameter(zeros([1], device: device));
    }

    public Parameter Weight { get; }

    public Parameter Bias { get; }

    public IEnumerable<Parameter> Parameters => [Weight, Bias];

    /// <summary>One number per row: <c>[N]</c>.</summary>
    public Tensor Forward(Tensor features) => nn.functional.linear(features, Weight, Bias).squeeze(1);

    public void Dispose()
    {
        Weight.Dispose();
        Bias.Dispose();
    }
}
