using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pretrain.Auxiliary.Tasks;

/// <summary>
/// SimCLR's projection head: a hidden ReLU layer (batch-normalized when asked) and a linear output on top of the encoder. The contrastive loss is
/// computed on its output and the head is thrown away after pretraining, so the encoder keeps the information the
/// invariances of the loss would otherwise strip (Chen et al., 2020, section 4.2).
/// </summary>
internal sealed class ProjectionHead : IDisposable
{
    private const double BatchNormEpsilon = 1e-5;

    private readonly Parameter[] _parameters;
    private readonly bool _batchNorm;

    /// <summary>A head from <paramref name="inputs"/> encoder outputs through <paramref name="hidden"/> units to <paramref name="outputs"/>.</summary>
    /// <param name="inputs">The encoder's output size.</param>
    /// <param name="hidden">Hidden units.</param>
    /// <param name="outputs">Projection size.</param>
    /// <param name="device">Where the parameters live.</param>
    /// <param name="generator">The task's generator, for the initial weights.</param>
    /// <param name="batchNorm">Batch normalization before the hidden ReLU (<see cref="ContrastiveSettings.ProjectionBatchNorm"/>).</param>
    /// <param name="dtype">The parameters' type: float32 in training; float64 lets tests check gradients numerically.</param>
    public ProjectionHead(int inputs, int hidden, int outputs, Device device, Generator generator, bool batchNorm = false, ScalarType dtype = ScalarType.Float32)
    {
        _batchNorm = batchNorm;
        _parameters =
        [
            Uniform([hidden, inputs], inputs, device, generator, dtype), Uniform([hidden], inputs, device, generator, dtype),
            Uniform([outputs, hidden], hidden, device, generator, dtype), Uniform([outputs], hidden, device, generator, dtype),
            .. batchNorm ? new[] { new Parameter(ones(hidden, dtype, device)), new Parameter(zeros(hidden, dtype, device)) } : [],
        ];
    }

    public IEnumerable<Parameter> Parameters => _parameters;

    /// <summary>Projections [N, outputs] of encodings [N, inputs].</summary>
    public Tensor Forward(Tensor encodings)
    {
        var hidden = nn.functional.linear(encodings, _parameters[0], _parameters[1]);
        if (_batchNorm)
        {
            // Statistics of this batch always, in training and scoring alike: the head never sees single examples,
            // and it is dropped before the encoder is used on anything else, so there are no running averages to keep.
            var mean = hidden.mean([0], keepdim: true);
            var variance = hidden.var(0, unbiased: false, keepdim: true);
            hidden = (hidden - mean) / (variance + BatchNormEpsilon).sqrt() * _parameters[4] + _parameters[5];
        }
        return nn.functional.linear(nn.functional.relu(hidden), _parameters[2], _parameters[3]);
    }

    public void Dispose()
    {
        foreach (var parameter in _parameters)
            parameter.Dispose();
    }

    // libtorch's nn.Linear initialization: uniform in +-1/sqrt(fan in), from the task's generator.
    private static Parameter Uniform(long[] shape, long fanIn, Device device, Generator generator, ScalarType dtype) =>
        new(empty(shape).uniform_(-1 / Math.Sqrt(fanIn), 1 / Math.Sqrt(fanIn), generator: generator).to(dtype, device));
}
