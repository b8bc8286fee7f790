using Pretrain.Pretraining.Layers.ConvRbm;
using TorchSharp;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Networks;

/// <summary>
/// A convolutional RBM's probabilistic max-pooling as a network layer: from the convolution's pre-activations to the
/// pooling units' probabilities, <c>sigmoid(logsumexp</c> over each window<c>)</c>, which is what the pretrained layer
/// passed up. It takes the place of both the activation and max-pooling, so a network built from a convolutional DBN
/// starts from exactly the pretrained function; it is differentiable, so fine-tuning trains through it. No parameters.
/// </summary>
public sealed class ProbabilisticPooling : nn.Module<Tensor, Tensor>
{
    /// <summary>Pooling over non-overlapping <paramref name="poolSize"/> x <paramref name="poolSize"/> windows.</summary>
    public ProbabilisticPooling(int poolSize) : base(nameof(ProbabilisticPooling))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(poolSize, 2);
        PoolSize = poolSize;
    }

    /// <summary>The window's side.</summary>
    public int PoolSize { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input) => ProbabilisticMaxPooling.Pooled(input, PoolSize);
}
