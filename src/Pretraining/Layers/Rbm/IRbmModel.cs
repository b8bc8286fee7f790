using static TorchSharp.torch;

namespace Pretrain.Pretraining.Layers.Rbm;

/// <summary>
/// What contrastive divergence needs of a restricted Boltzmann machine, dense (<see cref="RbmModel"/>) or
/// convolutional (<see cref="ConvRbm.ConvRbmModel"/>): its parameters, updated in place, its two conditional
/// distributions and the gradient estimate of its log-likelihood from positive and negative statistics.
/// </summary>
public interface IRbmModel
{
    /// <summary>The weights: [H, V] (dense) or the kernels [K, C, k, k] (convolutional).</summary>
    Tensor Weight { get; }

    /// <summary>One bias per hidden unit (dense) or per filter (convolutional).</summary>
    Tensor HiddenBias { get; }

    /// <summary>One bias per visible unit (dense) or per input channel (convolutional).</summary>
    Tensor VisibleBias { get; }

    /// <summary>p(h = 1 | v) of every hidden unit.</summary>
    Tensor HiddenProbabilities(Tensor visible);

    /// <summary>A sample of the hidden units given their probabilities.</summary>
    Tensor SampleHidden(Tensor probabilities, Generator generator);

    /// <summary>E[v | h].</summary>
    Tensor VisibleMean(Tensor hidden);

    /// <summary>A sample of the visible units given their mean.</summary>
    Tensor SampleVisible(Tensor mean, Generator generator);

    /// <summary>
    /// The CD gradient estimate, positive minus negative statistics, without decay or momentum: data
    /// <paramref name="v0"/> with p(h | data) <paramref name="h0"/>, negative-phase visible units <paramref name="vk"/>
    /// with p(h | vk) <paramref name="hk"/>.
    /// </summary>
    (Tensor Weight, Tensor HiddenBias, Tensor VisibleBias) Gradient(Tensor v0, Tensor h0, Tensor vk, Tensor hk);

    /// <summary>The free energy F(v) = -log sum_h exp(-E(v, h)) of each example of <paramref name="visible"/>, [B].</summary>
    Tensor FreeEnergy(Tensor visible);

    /// <summary>
    /// Declares that the weights stay as they are until the returned scope is disposed (one contrastive-divergence step
    /// holds it over its Gibbs chain and gradient, before the update), so a model may convert them once for all its
    /// products in that time instead of once a product. The default holds nothing.
    /// </summary>
    IDisposable HoldWeights() => NothingHeld.Instance;

    /// <summary>The mean of <paramref name="hidden"/> per hidden unit (dense) or per filter (convolutional), over the batch (and positions).</summary>
    Tensor MeanActivation(Tensor hidden);
}

/// <summary>The scope of a model that converts nothing ahead (<see cref="IRbmModel.HoldWeights"/>'s default).</summary>
internal sealed class NothingHeld : IDisposable
{
    public static readonly NothingHeld Instance = new();

    public void Dispose()
    {
    }
}
