namespace Pretrain.Pretraining.Layers.Convolutions;

/// <summary>The square stride and zero padding of one convolution, kept by <see cref="ConvolutionFunction"/> for its backward pass.</summary>
internal sealed record ConvolutionGeometry(long Stride, long Padding);
