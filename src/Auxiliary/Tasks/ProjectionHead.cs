using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pretrain.Auxiliary.Tasks;

/// <summary>
/// SimCLR's projection head: a hidden ReLU layer and a linear output on top of the encoder. The contrastive loss is
/// computed on its output and the head is thrown away after pretraining, so the encoder keeps the information the
/// invariances of the loss would otherwise strip (Chen et al., 2020, section 4.2).
/// </summary>
internal sealed class ProjectionHead : IDisposable
{
    private readonly Parameter[] _parameters;

    public ProjectionHead(int inputs, int hidden, int outputs, Device device, Generator generator)
    {
        _parameters =
        [
            Uniform([hidden, inputs], inputs, device, generator), Uniform([hidden], inputs, device, generator),
            Uniform([outputs, hidden], hidden, device, generator), Uniform([outputs], hidden, device, generator),
        ];
    }

    public IEnumerable<Parameter> Parameters => _parameters;

    /// <summary>Projections [N, outputs] of encodings [N, inputs].</summary>
    public Tensor Forward(Tensor encodings) =>
        nn.functional.linear(nn.functional.relu(nn.functional.linear(encodings, _parameters[0], _parameters[1])), _parameters[2], _parameters[3]);

    public void Dispose()
    {
        foreach (var parameter in _parameters)
            parameter.Dispose();
    }

    // libtorch's nn.Linear initialization: uniform in +-1/sqrt(fan in), from the task's generator.
    private static Parameter Uniform(long[] shape, long fanIn, Device device, Generator generator) =>
        new(empty(shape).uniform_(-1 / Math.Sqrt(fanIn), 1 / Math.Sqrt(fanIn), generator: generator).to(device));
}
