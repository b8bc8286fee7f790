using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Layers.Autoencoders;

/// <summary>
/// The trainable state of one autoencoder layer: encoder W [H, D] and b [H], decoder W' (W transposed when tied,
/// else its own [D, H]) and c [D]. Forward passes honour the precision option: with bfloat16 the two matrix products
/// run in bfloat16 on float32 master weights.
/// </summary>
internal sealed class AutoencoderModel : IDisposable
{
    private readonly AutoencoderOptions _options;

    public AutoencoderModel(int inputs, AutoencoderOptions options, Device device, Generator generator)
    {
        _options = options;
        var hidden = options.HiddenUnits;
        // Glorot-uniform bounds; x4 for sigmoid units, as in the Theano denoising-autoencoder tutorial.
        var bound = Math.Sqrt(6.0 / (inputs + hidden)) * (options.Activation == EncoderActivation.Sigmoid ? 4 : 1);
        Weight = Parameter(empty([hidden, inputs]).uniform_(-bound, bound, generator: generator), device);
        Bias = Parameter(zeros(hidden), device);
        DecoderWeight = options.TiedWeights ? null : Parameter(empty([inputs, hidden]).uniform_(-bound, bound, generator: generator), device);
        DecoderBias = Parameter(zeros(inputs), device);
    }

    public Parameter Weight { get; }

    public Parameter Bias { get; }

    public Parameter? DecoderWeight { get; }

    public Parameter DecoderBias { get; }

    public IEnumerable<Parameter> Parameters =>
        DecoderWeight is null ? [Weight, Bias, DecoderBias] : [Weight, Bias, DecoderWeight, DecoderBias];

    /// <summary>The parameters by name, for early-stopping snapshots.</summary>
    public IReadOnlyDictionary<string, Tensor> State
    {
        get
        {
            var state = new Dictionary<string, Tensor> { ["weight"] = Weight, ["bias"] = Bias, ["decoder.bias"] = DecoderBias };
            if (DecoderWeight is not null)
                state["decoder.weight"] = DecoderWeight;
            return state;
        }
    }

    /// <summary>Total loss (reconstruction of the clean input from the corrupted one, plus penalties) and the reconstruction part.</summary>
    public (Tensor Total, Tensor Reconstruction) Loss(Tensor clean, Tensor corrupted)
    {
        // Tied weights are converted to the product precision once and used both ways, so in bfloat16 a batch pays
        // one conversion of W forward and one of its gradient backward instead of two each.
        var encoderWeight = ProductWeight(Weight);
        var hidden = Encode(corrupted, encoderWeight);
        var decoderWeight = DecoderWeight is null ? encoderWeight.t() : ProductWeight(DecoderWeight);
        var reconstruction = AutoencoderPenalties.Reconstruction(_options.Loss, Affine(hidden, decoderWeight, DecoderBias), clean);
        var total = reconstruction;
        if (_options.SparsityTarget is double rho)
            total = total + _options.SparsityWeight * AutoencoderPenalties.SparsityKl(hidden, rho);
        if (_options.ContractiveWeight > 0)
            total = total + _options.ContractiveWeight * AutoencoderPenalties.ContractiveSigmoid(hidden, Weight);
        return (total, reconstruction);
    }

    public void Dispose()
    {
        foreach (var parameter in Parameters)
            parameter.Dispose();
    }

    /// <summary>Hidden activations [B, H] of <paramref name="input"/> [B, D], with W already in the product precision.</summary>
    private Tensor Encode(Tensor input, Tensor weight) => _options.Activation.Apply(Affine(input, weight, Bias));

    /// <summary><paramref name="weight"/> itself in float32, its bfloat16 copy (through autograd) in bfloat16.</summary>
    private Tensor ProductWeight(Tensor weight) =>
        _options.Precision == Layers.Precision.Float32 ? weight : weight.to(ScalarType.BFloat16);

    /// <summary>input W^T + bias, with W already in the product precision; the result and the bias are float32.</summary>
    private static Tensor Affine(Tensor input, Tensor weight, Tensor bias)
    {
        if (weight.dtype == ScalarType.Float32)
            return nn.functional.linear(input, weight, bias);
        using var scope = NewDisposeScope();
        var product = nn.functional.linear(input.to(weight.dtype), weight).to(ScalarType.Float32);
        return (product + bias).MoveToOuterDisposeScope();
    }

    private static Parameter Parameter(Tensor initial, Device device)
    {
        using var moved = initial.to(device);
        initial.Dispose();
        return new Parameter(moved.detach().clone(), requires_grad: true);
    }
}
