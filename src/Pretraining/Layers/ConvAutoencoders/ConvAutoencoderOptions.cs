using System.Text.Json.Serialization;
using Pretrain.Pretraining.Layers.Autoencoders;
using Pretrain.Pretraining.Validation;

namespace Pretrain.Pretraining.Layers.ConvAutoencoders;

/// <summary>How a convolutional autoencoder maps its feature maps back to an image.</summary>
public enum ConvDecoder
{
    /// <summary>A transposed convolution with the encoder's kernel size, stride and padding (default).</summary>
    Transposed,
    /// <summary>Nearest-neighbour upsampling to the input's size, then a same-size convolution (no checkerboard artefacts).</summary>
    Upsampling,
}

/// <summary>What the decoder of a pooling convolutional autoencoder starts from.</summary>
public enum ConvUnpooling
{
    /// <summary>
    /// Each window's maximum put back where it was and zeros elsewhere (Masci et al.'s unpooling; default): the decoder
    /// is told where the maxima were, so the pooled maps need not carry it.
    /// </summary>
    Switches,
    /// <summary>
    /// Each window's maximum copied over its whole window (nearest-neighbour upsampling of the pooled maps, as the PyTorch
    /// baseline's <c>conv_torch.py</c>): the pooled maps the layer passes up must carry where things are by themselves.
    /// </summary>
    Nearest,
}

/// <summary>
/// Settings of one convolutional autoencoder layer (Masci et al., 2011): <see cref="Channels"/> kernels of
/// <see cref="Kernel"/> x <see cref="Kernel"/> slide over the input, their activations are optionally max-pooled
/// (<see cref="PoolSize"/>) and the decoder reconstructs the input from them (through unpooling to the kept maxima).
/// Variants combine as for dense autoencoders: denoising (<see cref="Noise"/>) and sparse (<see cref="SparsityTarget"/>).
/// </summary>
public sealed record ConvAutoencoderOptions : LayerOptions
{
    /// <inheritdoc />
    public override ILayerTrainer CreateTrainer() => new ConvAutoencoderTrainer(this);

    /// <summary>Output channels (the number of kernels). Required.</summary>
    public required int Channels { get; init; }

    /// <summary>Kernel height and width. Default 5.</summary>
    public int Kernel { get; init; } = 5;

    /// <summary>Step between kernel positions. Default 1.</summary>
    public int Stride { get; init; } = 1;

    /// <summary>Zeros added on each side of the input, at most kernel / 2. Default 0.</summary>
    public int Padding { get; init; }

    /// <summary>Max-pooling window (and step) after the activation, or null for none. Default none.</summary>
    public int? PoolSize { get; init; }

    /// <summary>Encoder nonlinearity. Default ReLU (sigmoid feature maps learn slowly in convolutional layers).</summary>
    public EncoderActivation Activation { get; init; } = EncoderActivation.Relu;

    /// <summary>How the input is reconstructed. Default a transposed convolution.</summary>
    public ConvDecoder Decoder { get; init; } = ConvDecoder.Transposed;

    /// <summary>With pooling, how the pooled maps are spread back to the encoder's map size before decoding. Default <see cref="ConvUnpooling.Switches"/>.</summary>
    public ConvUnpooling Unpooling { get; init; } = ConvUnpooling.Switches;

    /// <summary>The decoder uses the encoder's kernels transposed instead of its own. Default true.</summary>
    public bool TiedWeights { get; init; } = true;

    /// <summary>Reconstruction loss, summed over channels and pixels. Default binary cross-entropy (inputs in [0, 1]).</summary>
    public ReconstructionLoss Loss { get; init; } = ReconstructionLoss.BinaryCrossEntropy;

    /// <summary>Input corruption. Default none.</summary>
    public NoiseKind Noise { get; init; } = NoiseKind.None;

    /// <summary>Fraction corrupted (masking, salt-and-pepper) or standard deviation (Gaussian). Default 0.25.</summary>
    public double NoiseLevel { get; init; } = 0.25;

    /// <summary>Target mean activation rho of each channel (over examples and positions), or null for none. Sigmoid units only.</summary>
    public double? SparsityTarget { get; init; }

    /// <summary>Weight beta of the KL sparsity penalty. Default 0.1.</summary>
    public double SparsityWeight { get; init; } = 0.1;

    /// <summary>Passes over the data. Default 10.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Examples per update. Default 64.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Optimizer. Default Adam.</summary>
    public LayerOptimizer Optimizer { get; init; } = LayerOptimizer.Adam;

    /// <summary>Step size. Default 1e-3.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Momentum for <see cref="LayerOptimizer.Momentum"/>. Default 0.9.</summary>
    public double Momentum { get; init; } = 0.9;

    /// <summary>L2 weight decay. Default 0.</summary>
    public double WeightDecay { get; init; }

    /// <summary>Stop after this many epochs without a lower validation reconstruction (best weights kept); null never stops early.</summary>
    public int? Patience { get; init; }

    /// <summary>The kernel size, stride, padding and pooling as the frozen layer and the stack manifest keep them.</summary>
    [JsonIgnore]
    public ConvolutionGeometry Geometry => new(Kernel, Stride, Padding, PoolSize ?? 1);

    /// <summary>Every problem with these settings, each naming its field.</summary>
    public override IEnumerable<OptionProblem> Problems()
    {
        if (Channels <= 0) yield return new("channels", $"expected a positive integer, received {Channels}.");
        if (Kernel <= 0) yield return new("kernel", $"expected a positive integer, received {Kernel}.");
        if (Stride <= 0) yield return new("stride", $"expected a positive integer, received {Stride}.");
        if (Padding < 0 || (Kernel > 0 && Padding > Kernel / 2)) yield return new("padding", $"expected an integer in [0, kernel / 2 = {Math.Max(0, Kernel / 2)}], received {Padding}.");
        if (PoolSize is <= 0) yield return new("poolSize", $"expected a positive integer or null, received {PoolSize}.");
        foreach (var problem in AutoencoderTrainingChecks.Problems(Epochs, BatchSize, LearningRate, WeightDecay, Momentum, Patience, Noise, NoiseLevel))
            yield return problem;
        if (Noise == NoiseKind.Gaussian && NoiseLevel < 0) yield return new("noiseLevel", $"expected a standard deviation >= 0, received {NoiseLevel}.");
        if (SparsityTarget is double rho && (rho <= 0 || rho >= 1)) yield return new("sparsityTarget", $"expected a number in (0, 1), received {rho}.");
        if (SparsityTarget is not null && Activation != EncoderActivation.Sigmoid) yield return new("sparsityTarget", $"the KL sparsity penalty needs sigmoid units, received {Activation}.");
    }
}
