using Pretrain.Pretraining.Layers;

namespace Pretrain.FineTuning.Networks;

/// <summary>
/// One convolutional block of a network: <see cref="Channels"/> kernels slid over the block's input as
/// <see cref="Geometry"/> says, then (optionally) batch normalization, the network's activation and max-pooling.
/// </summary>
/// <param name="Channels">Number of kernels (output channels) C'.</param>
/// <param name="Geometry">Kernel size, stride, padding and pooling (the same record pretrained conv layers keep).</param>
public sealed record ConvLayerSpec(int Channels, ConvolutionGeometry Geometry);
