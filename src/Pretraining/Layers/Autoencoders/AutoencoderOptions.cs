using Pretrain.Pretraining.Validation;

namespace Pretrain.Pretraining.Layers.Autoencoders;

/// <summary>What an autoencoder reconstructs its input with.</summary>
public enum ReconstructionLoss
{
    /// <summary>Binary cross-entropy, summed over features: for inputs in [0, 1]; the decoder output is a sigmoid.</summary>
    BinaryCrossEntropy,
    /// <summary>Squared error, summed over features: for real-valued inputs; the decoder output is linear.</summary>
    MeanSquaredError,
}

/// <summary>How a denoising autoencoder corrupts its input.</summary>
public enum NoiseKind
{
    /// <summary>No corruption (a plain autoencoder).</summary>
    None,
    /// <summary>A random fraction of inputs set to 0 (Vincent et al.'s masking noise).</summary>
    Masking,
    /// <summary>Additive Gaussian noise with standard deviation NoiseLevel.</summary>
    Gaussian,
    /// <summary>A random fraction of inputs set to 0 or 1 with equal probability.</summary>
    SaltAndPepper,
}

/// <summary>Optimizers for layer pretraining.</summary>
public enum LayerOptimizer
{
    /// <summary>Plain SGD.</summary>
    Sgd,
    /// <summary>SGD with momentum.</summary>
    Momentum,
    /// <summary>Adam.</summary>
    Adam,
}

/// <summary>
/// Settings of one autoencoder layer. Variants combine: denoising (<see cref="Noise"/>), sparse
/// (<see cref="SparsityTarget"/>) and contractive (<see cref="ContractiveWeight"/>).
/// </summary>
public sealed record AutoencoderOptions : DenseLayerOptions
{
    /// <inheritdoc />
    public override ILayerTrainer CreateTrainer() => new AutoencoderTrainer(this);

    /// <summary>Encoder nonlinearity. Default sigmoid.</summary>
    public EncoderActivation Activation { get; init; } = EncoderActivation.Sigmoid;

    /// <summary>Decoder weight = encoder weight transposed. Default true.</summary>
    public bool TiedWeights { get; init; } = true;

    /// <summary>Reconstruction loss. Default binary cross-entropy (inputs in [0, 1]).</summary>
    public ReconstructionLoss Loss { get; init; } = ReconstructionLoss.BinaryCrossEntropy;

    /// <summary>Input corruption. Default none.</summary>
    public NoiseKind Noise { get; init; } = NoiseKind.None;

    /// <summary>Fraction corrupted (masking, salt-and-pepper) or standard deviation (Gaussian). Default 0.25.</summary>
    public double NoiseLevel { get; init; } = 0.25;

    /// <summary>Sparse autoencoder: target mean activation rho of each hidden unit, or null for none. Sigmoid units only.</summary>
    public double? SparsityTarget { get; init; }

    /// <summary>Weight beta of the KL sparsity penalty. Default 0.1.</summary>
    public double SparsityWeight { get; init; } = 0.1;

    /// <summary>Contractive autoencoder: weight lambda of the squared Frobenius norm of the encoder's Jacobian (0 = off). Sigmoid units only.</summary>
    public double ContractiveWeight { get; init; }

    /// <summary>Passes over the data. Default 30.</summary>
    public int Epochs { get; init; } = 30;

    /// <summary>Examples per update. Default 128.</summary>
    public int BatchSize { get; init; } = 128;

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

    /// <summary>Arithmetic precision. Default float32.</summary>
    public Precision Precision { get; init; } = Precision.Float32;

    /// <summary>Every problem with these settings, each naming its field.</summary>
    public override IEnumerable<OptionProblem> Problems()
    {
        if (HiddenUnits <= 0) yield return new("hiddenUnits", $"expected a positive integer, received {HiddenUnits}.");
        foreach (var problem in AutoencoderTrainingChecks.Problems(Epochs, BatchSize, LearningRate, WeightDecay, Momentum, Patience, Noise, NoiseLevel))
            yield return problem;
        if (Noise == NoiseKind.Gaussian && NoiseLevel < 0) yield return new("noiseLevel", $"expected a standard deviation >= 0, received {NoiseLevel}.");
        if (SparsityTarget is double rho && (rho <= 0 || rho >= 1)) yield return new("sparsityTarget", $"expected a number in (0, 1), received {rho}.");
        if (SparsityTarget is not null && Activation != EncoderActivation.Sigmoid) yield return new("sparsityTarget", $"the KL sparsity penalty needs sigmoid units, received {Activation}.");
        if (ContractiveWeight < 0) yield return new("contractiveWeight", $"expected a number >= 0, received {ContractiveWeight}.");
        if (ContractiveWeight > 0 && Activation != EncoderActivation.Sigmoid) yield return new("contractiveWeight", $"the closed-form contractive penalty needs sigmoid units, received {Activation}.");
    }
}
