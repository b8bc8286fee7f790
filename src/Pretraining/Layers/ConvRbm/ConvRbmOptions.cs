using System.Text.Json.Serialization;
using Pretrain.Pretraining.Layers.Rbm;
using Pretrain.Pretraining.Validation;

namespace Pretrain.Pretraining.Layers.ConvRbm;

/// <summary>
/// Settings of one convolutional RBM layer (Lee, Grosse, Ranganath and Ng, ICML 2009): <see cref="Channels"/> filters
/// of <see cref="Kernel"/> x <see cref="Kernel"/> slide with stride 1 over the (zero-padded) input, trained by CD-k or
/// persistent CD with momentum, weight decay and an optional sparsity target on each filter's mean activation; with
/// <see cref="PoolSize"/>, probabilistic max-pooling, whose pooling units are what the next layer sees. The training
/// fields mean what they mean for <see cref="RbmOptions"/>.
/// </summary>
public sealed record ConvRbmOptions : LayerOptions, IContrastiveDivergenceSettings
{
    /// <inheritdoc />
    public override ILayerTrainer CreateTrainer() => new ConvRbmTrainer(this);

    /// <summary>Filters (output channels). Required.</summary>
    public required int Channels { get; init; }

    /// <summary>Kernel height and width. Default 5.</summary>
    public int Kernel { get; init; } = 5;

    /// <summary>Zeros added on each side of the input, at most kernel / 2. Default 0.</summary>
    public int Padding { get; init; }

    /// <summary>Probabilistic max-pooling window (and step), or null for none; the feature maps must be whole windows. Default none.</summary>
    public int? PoolSize { get; init; }

    /// <summary>Visible unit type. Default Bernoulli (inputs in [0, 1]); Gaussian for standardized inputs.</summary>
    public VisibleUnits Visible { get; init; } = VisibleUnits.Bernoulli;

    /// <summary>Gibbs steps k of CD-k. Default 1.</summary>
    public int CdSteps { get; init; } = 1;

    /// <summary>Persistent CD: negative chains carry over between updates (one chain per batch row). Default false.</summary>
    public bool Persistent { get; init; }

    /// <summary>Step size, for gradients averaged over examples and positions. Default 0.1; Gaussian visible units may need a smaller one.</summary>
    public double LearningRate { get; init; } = 0.1;

    /// <summary>Momentum for the first <see cref="MomentumSwitchEpoch"/> epochs. Default 0.5.</summary>
    public double InitialMomentum { get; init; } = 0.5;

    /// <summary>Momentum afterwards. Default 0.9.</summary>
    public double FinalMomentum { get; init; } = 0.9;

    /// <summary>Last epoch (1-based) that uses <see cref="InitialMomentum"/>. Default 5.</summary>
    public int MomentumSwitchEpoch { get; init; } = 5;

    /// <summary>L2 weight decay on the kernels (not the biases). Default 2e-4.</summary>
    public double WeightDecay { get; init; } = 2e-4;

    /// <summary>
    /// Target mean activation of each filter's detection units (over examples and positions), or null for no sparsity
    /// penalty. Lee et al.'s regulariser: the filter's hidden bias moves by cost * (target - running mean).
    /// </summary>
    public double? SparsityTarget { get; init; }

    /// <summary>Strength of the sparsity penalty on the hidden biases. Default 0.1.</summary>
    public double SparsityCost { get; init; } = 0.1;

    /// <summary>Decay of the running estimate of each filter's mean activation. Default 0.95.</summary>
    public double SparsityDecay { get; init; } = 0.95;

    /// <summary>Passes over the data. Default 10.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Examples per update. Default 64.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Stop after this many epochs without a lower validation reconstruction error (best weights kept); null never stops early.</summary>
    public int? Patience { get; init; }

    /// <summary>Replace each input batch by a Bernoulli sample of it (inputs are probabilities, e.g. a lower layer's pooled maps). Default false.</summary>
    public bool SampleVisibleInputs { get; init; }

    /// <summary>The kernel size, padding and pooling as the frozen layer and the stack manifest keep them.</summary>
    [JsonIgnore]
    public ConvolutionGeometry Geometry => new(Kernel, 1, Padding, PoolSize ?? 1, PoolSize is > 1 ? ConvPooling.Probabilistic : ConvPooling.Max);

    /// <summary>Every problem with these settings, each naming its field.</summary>
    public override IEnumerable<OptionProblem> Problems()
    {
        if (Channels <= 0) yield return new("channels", $"expected a positive integer, received {Channels}.");
        if (Kernel <= 0) yield return new("kernel", $"expected a positive integer, received {Kernel}.");
        if (Padding < 0 || (Kernel > 0 && Padding > Kernel / 2)) yield return new("padding", $"expected an integer in [0, kernel / 2 = {Math.Max(0, Kernel / 2)}], received {Padding}.");
        if (PoolSize is <= 0) yield return new("poolSize", $"expected a positive integer or null, received {PoolSize}.");
        foreach (var problem in RbmTrainingChecks.Problems(this, InitialMomentum, FinalMomentum, Epochs, BatchSize, Patience, Visible, SampleVisibleInputs))
            yield return problem;
    }

    /// <inheritdoc />
    public double MomentumAt(int epoch) => epoch <= MomentumSwitchEpoch ? InitialMomentum : FinalMomentum;
}
