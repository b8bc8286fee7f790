namespace Pretrain.Pretraining.Layers.Rbm;

/// <summary>
/// What <see cref="ContrastiveDivergence"/> reads of a layer's options: the same fields, with the same meaning, for
/// dense RBMs (<see cref="RbmOptions"/>) and convolutional ones (<see cref="ConvRbm.ConvRbmOptions"/>).
/// </summary>
public interface IContrastiveDivergenceSettings
{
    /// <summary>Gibbs steps k of CD-k.</summary>
    int CdSteps { get; }

    /// <summary>Persistent CD: negative chains carry over between updates.</summary>
    bool Persistent { get; }

    /// <summary>Step size.</summary>
    double LearningRate { get; }

    /// <summary>L2 weight decay on the weights (not the biases).</summary>
    double WeightDecay { get; }

    /// <summary>Target mean activation of each hidden unit (or filter), or null for no sparsity penalty.</summary>
    double? SparsityTarget { get; }

    /// <summary>Strength of the sparsity penalty on the hidden biases.</summary>
    double SparsityCost { get; }

    /// <summary>Decay of the running estimate of each hidden unit's mean activation.</summary>
    double SparsityDecay { get; }

    /// <summary>The momentum of 1-based <paramref name="epoch"/>.</summary>
    double MomentumAt(int epoch);
}
