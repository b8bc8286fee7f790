using System.Text.Json.Serialization;

namespace Pretrain.Pretraining.Layers;

/// <summary>
/// How a convolutional layer slides over its input: a square <see cref="Kernel"/> moved by <see cref="Stride"/> over
/// the input zero-padded by <see cref="Padding"/> on every side, then non-overlapping pooling of
/// <see cref="PoolSize"/> x <see cref="PoolSize"/> windows (1: none), by maximum or, for convolutional RBMs,
/// probabilistically (<see cref="Pooling"/>). Saved in stack manifests; the sizes follow
/// PyTorch's <c>conv2d</c> and <c>max_pool2d</c> (floor division: rows and columns that do not fill a window are dropped).
/// </summary>
/// <param name="Kernel">Kernel height and width.</param>
/// <param name="Stride">Step between kernel positions.</param>
/// <param name="Padding">Zeros added on each side of the input.</param>
/// <param name="PoolSize">Pooling window and step after the activation; 1 for no pooling.</param>
/// <param name="Pooling">How windows are pooled; left out of manifests when <see cref="ConvPooling.Max"/>, so
/// stacks of convolutional autoencoders are written as before.</param>
public sealed record ConvolutionGeometry(int Kernel, int Stride = 1, int Padding = 0, int PoolSize = 1,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] ConvPooling Pooling = ConvPooling.Max)
{
    /// <summary>True when the layer pools probabilistically over windows of more than one unit.</summary>
    [JsonIgnore]
    public bool IsProbabilistic => Pooling == ConvPooling.Probabilistic && PoolSize > 1;

    /// <summary>Height or width of the feature map before pooling for an input of <paramref name="size"/>.</summary>
    public long Convolved(long size) => (size + 2L * Padding - Kernel) / Stride + 1;

    /// <summary>
    /// Why this geometry cannot slide over an image of <paramref name="height"/> x <paramref name="width"/>, or null when
    /// it can (e.g. <c>kernel 5 does not fit a 3x3 input</c>).
    /// </summary>
    public string? Misfit(long height, long width)
    {
        if (Kernel <= 0 || Stride <= 0 || Padding < 0 || PoolSize <= 0)
            return $"kernel {Kernel}, stride {Stride}, padding {Padding} and pool {PoolSize} must be positive (padding >= 0)";
        if (height + 2L * Padding < Kernel || width + 2L * Padding < Kernel)
            return Padding == 0
                ? $"kernel {Kernel} does not fit a {height}x{width} input"
                : $"kernel {Kernel} with padding {Padding} does not fit a {height}x{width} input";
        var (h, w) = (Convolved(height), Convolved(width));
        if (h < PoolSize || w < PoolSize)
            return $"pool {PoolSize} does not fit the {h}x{w} feature map that kernel {Kernel} leaves of a {height}x{width} input";
        return null;
    }

    /// <summary>
    /// The output shape <c>[channels, H', W']</c> of a layer with <paramref name="channels"/> kernels on images of
    /// <paramref name="image"/> <c>[C, H, W]</c>; call <see cref="Misfit"/> first.
    /// </summary>
    public long[] OutputShape(IReadOnlyList<long> image, long channels)
    {
        ArgumentNullException.ThrowIfNull(image);
        return [channels, Convolved(image[1]) / PoolSize, Convolved(image[2]) / PoolSize];
    }
}
