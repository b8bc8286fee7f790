namespace Pretrain.Pretraining.Layers;

/// <summary>How a convolutional layer pools its feature maps (see <see cref="ConvolutionGeometry.Pooling"/>).</summary>
public enum ConvPooling
{
    /// <summary>The maximum of each window of activations (convolutional autoencoders).</summary>
    Max,

    /// <summary>
    /// Probabilistic max-pooling (Lee, Grosse, Ranganath and Ng, 2009; convolutional RBMs): each window of sigmoid
    /// detection units plus an "off" unit share one softmax, and the pooled unit is on when any unit of its window is:
    /// p = sigmoid(log sum over the window of exp(pre-activation)).
    /// </summary>
    Probabilistic,
}
