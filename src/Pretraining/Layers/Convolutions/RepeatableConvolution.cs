using static TorchSharp.torch;

namespace Pretrain.Pretraining.Layers.Convolutions;

/// <summary>
/// 2-D convolution and transposed convolution for every convolutional layer, run on libtorch's forward
/// <c>conv2d</c> kernel and its weight gradient only. Why: in libtorch 2.10's CPU build under TorchSharp 0.107, measured
/// here with two threads, the input gradient of <c>conv2d</c> (the kernel that <c>conv_transpose2d</c> also runs
/// forward) returns NaN now and then (3 batches in 1,500) and, in float32, wrong values for some shapes (relative error
/// 0.85 for 3 to 4 channels on 11x11 images, 1.0 for 32 channels to 1, against float64 autograd), while the forward pass
/// and the weight gradient are sound and repeatable.
/// The input gradient is therefore written out (<see cref="InputGradientFunction"/>): the forward convolution of the
/// dilated, padded output gradient with the flipped kernels. Weight and bias gradients are libtorch's own, through a
/// convolution of the detached input: they are 20-60% faster than the forward-convolution form
/// (<see cref="KernelCorrelation"/>, which the convolutional RBM still uses for its statistics). An earlier version
/// wrote everything as unfold/fold and matrix products, which is sound too but 25 to 70 times slower.
/// </summary>
public static class RepeatableConvolution
{
    /// <summary><c>conv2d</c> of <paramref name="input"/> [B, C, H, W] with kernels <paramref name="weight"/> [C', C, k, k], square stride and padding.</summary>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias, long stride = 1, long padding = 0)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weight);
        using var scope = NewDisposeScope();
        var output = nn.functional.conv2d(input.detach(), weight, bias, strides: [stride], padding: [padding]);
        if (is_grad_enabled() && input.requires_grad)
            output = InputGradientFunction.apply(output, input, weight.detach(), stride, padding);
        return output.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// <c>conv_transpose2d</c> of <paramref name="input"/> [B, C', H1, W1] with kernels <paramref name="weight"/> [C', C, k, k]
    /// (the encoder's layout) to [B, C, <paramref name="height"/>, <paramref name="width"/>]; the output size settles
    /// what <c>output_padding</c> would. Computed as the forward convolution of the dilated, padded input with the
    /// flipped kernels, so autograd differentiates it through <see cref="Conv2d"/>.
    /// </summary>
    public static Tensor ConvTranspose2d(Tensor input, Tensor weight, Tensor? bias, long stride, long padding, long height, long width)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weight);
        using var scope = NewDisposeScope();
        var spread = SpreadForTransposedConvolution(input, stride, weight.shape[2], padding, height, width);
        var output = Conv2d(spread, FlippedTransposedKernels(weight), bias);
        return output.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The gradient of a convolution's kernels [C', C, k, k] from its <paramref name="input"/> [B, C, H, W] and its
    /// output gradient <paramref name="outputGradient"/> [B, C', H1, W1] (summed over examples and positions):
    /// dW[o, c, i, j] = Σ over b, y, x of g[b, o, y, x] · x_padded[b, c, s·y + i, s·x + j]. Computed as a forward
    /// convolution of the input, with batch and channels swapped, by the output gradient as kernels dilated by the
    /// stride; the convolutional RBM uses it for its contrastive-divergence statistics too.
    /// </summary>
    public static Tensor KernelCorrelation(Tensor input, Tensor outputGradient, long kernel, long stride = 1, long padding = 0)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(outputGradient);
        using var scope = NewDisposeScope();
        var correlation = nn.functional.conv2d(
            input.transpose(0, 1), outputGradient.transpose(0, 1), null, padding: [padding], dilation: [stride]);
        return correlation.narrow(2, 0, kernel).narrow(3, 0, kernel).transpose(0, 1).MoveToOuterDisposeScope();
    }

    /// <summary>[C', C, k, k] kernels as the [C, C', k, k] kernels of the adjoint (transposed) convolution.</summary>
    internal static Tensor FlippedTransposedKernels(Tensor weight) => weight.flip(2, 3).transpose(0, 1);

    /// <summary>
    /// <paramref name="input"/> with <paramref name="stride"/> − 1 zeros between neighbouring pixels and a border of
    /// k − 1 − padding (plus what rounding of the forward size dropped, at the bottom and right), so that a stride-1
    /// convolution without padding of the result with the flipped kernels is the transposed convolution.
    /// </summary>
    internal static Tensor SpreadForTransposedConvolution(Tensor input, long stride, long kernel, long padding, long height, long width)
    {
        var (batch, channels, rows, columns) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3]);
        var dilated = input;
        if (stride > 1)
        {
            dilated = nn.functional.pad(input.view(batch, channels, rows, 1, columns, 1), [0, stride - 1, 0, 0, 0, stride - 1])
                .view(batch, channels, rows * stride, columns * stride)
                .narrow(2, 0, (rows - 1) * stride + 1)
                .narrow(3, 0, (columns - 1) * stride + 1);
        }

        var border = kernel - 1 - padding;
        var extraRows = height - ((rows - 1) * stride + kernel - 2 * padding);
        var extraColumns = width - ((columns - 1) * stride + kernel - 2 * padding);
        if (extraRows < 0 || extraRows >= stride || extraColumns < 0 || extraColumns >= stride)
            throw new ArgumentException(
                $"A transposed convolution of a {rows}x{columns} input with kernel {kernel}, stride {stride} and padding {padding} cannot give {height}x{width}.");
        return border == 0 && extraRows == 0 && extraColumns == 0
            ? dilated
            : nn.functional.pad(dilated, [border, border + extraColumns, border, border + extraRows]);
    }
}
