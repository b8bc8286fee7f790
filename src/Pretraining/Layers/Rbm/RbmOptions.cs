using Pretrain.Pretraining.Validation;

namespace Pretrain.Pretraining.Layers.Rbm;

/// <summary>The kind of visible units of an RBM.</summary>
public enum VisibleUnits
{
    /// <summary>Binary units; real inputs in [0, 1] are used as their probabilities (Bernoulli-Bernoulli RBM).</summary>
    Bernoulli,
    /// <summary>Real-valued units with unit variance, for standardized inputs (Gaussian-Bernoulli RBM).</summary>
    Gaussian,
}

/// <summary>
/// Settings of one RBM layer, trained by contrastive divergence (CD-k) or persistent CD, following Hinton's
/// "A Practical Guide to Training Restricted Boltzmann Machines" (2010). Defaults match the guide and the project's
/// PyTorch baseline for Bernoulli units.
/// </summary>
public sealed record RbmOptions : DenseLayerOptions, IContrastiveDivergenceSettings
{
    /// <inheritdoc />
    public override ILayerTrainer CreateTrainer() => new RbmTrainer(this);

    /// <summary>Visible unit type. Default Bernoulli.</summary>
    public VisibleUnits Visible { get; init; } = VisibleUnits.Bernoulli;

    /// <summary>Gibbs steps k of CD-k. Default 1.</summary>
    public int CdSteps { get; init; } = 1;

    /// <summary>Persistent CD: negative chains carry over between updates (one chain per batch row). Default false.</summary>
    public bool Persistent { get; init; }

    /// <summary>Step size. Default 0.05 (Bernoulli); Gaussian visible units need about ten times less, e.g. 0.005.</summary>
    public double LearningRate { get; init; } = 0.05;

    /// <summary>Momentum for the first <see cref="MomentumSwitchEpoch"/> epochs. Default 0.5.</summary>
    public double InitialMomentum { get; init; } = 0.5;

    /// <summary>Momentum afterwards. Default 0.9.</summary>
    public double FinalMomentum { get; init; } = 0.9;

    /// <summary>Last epoch (1-based) that uses <see cref="InitialMomentum"/>. Default 5.</summary>
    public int MomentumSwitchEpoch { get; init; } = 5;

    /// <summary>L2 weight decay on the weights (not the biases). Default 2e-4.</summary>
    public double WeightDecay { get; init; } = 2e-4;

    /// <summary>Target mean activation of each hidden unit, or null for no sparsity penalty (guide, section 11).</summary>
    public double? SparsityTarget { get; init; }

    /// <summary>Strength of the sparsity penalty on the hidden biases. Default 0.1.</summary>
    public double SparsityCost { get; init; } = 0.1;

    /// <summary>Decay of the running estimate of each hidden unit's mean activation. Default 0.95.</summary>
    public double SparsityDecay { get; init; } = 0.95;

    /// <summary>Passes over the data. Default 30.</summary>
    public int Epochs { get; init; } = 30;

    /// <summary>Examples per update. Default 128.</summary>
    public int BatchSize { get; init; } = 128;

    /// <summary>Stop after this many epochs without a lower validation reconstruction error (best weights kept); null never stops early.</summary>
    public int? Patience { get; init; }

    /// <summary>Arithmetic precision of the matrix products. Default float32.</summary>
    public Precision Precision { get; init; } = Precision.Float32;

    /// <summary>Report the stochastic pseudo-log-likelihood each epoch (Bernoulli visible units only). Default true.</summary>
    public bool MonitorPseudoLikelihood { get; init; } = true;

    /// <summary>Replace each input batch by a Bernoulli sample of it (inputs are probabilities, e.g. cached outputs of a lower RBM). Default false.</summary>
    public bool SampleVisibleInputs { get; init; }

    /// <summary>Every problem with these settings, each naming its field.</summary>
    public override IEnumerable<OptionProblem> Problems()
    {
        if (HiddenUnits <= 0) yield return new("hiddenUnits", $"expected a positive integer, received {HiddenUnits}.");
        foreach (var problem in RbmTrainingChecks.Problems(this, InitialMomentum, FinalMomentum, Epochs, BatchSize, Patience, Visible, SampleVisibleInputs))
            yield return problem;
    }

    /// <summary>The momentum of 1-based <paramref name="epoch"/>.</summary>
    public double MomentumAt(int epoch) => epoch <= MomentumSwitchEpoch ? InitialMomentum : FinalMomentum;
}
