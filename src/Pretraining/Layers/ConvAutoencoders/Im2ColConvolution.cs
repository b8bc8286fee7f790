using static TorchSharp.torch;

namespace Pretrain.Pretraining.Layers.ConvAutoencoders;

/// <summary>
/// 2-D convolution and transposed convolution written as <c>unfold</c>/<c>fold</c> (im2col/col2im) and a matrix
/// product. Why not <c>conv2d</c> and <c>conv_transpose2d</c>: in libtorch 2.10's CPU build under TorchSharp 0.107,
/// measured here, the input gradient of <c>conv2d</c> (the kernel <c>conv_transpose2d</c> also runs forward) is not
/// repeatable and now and then returns NaN, with one thread or two, while its forward pass and weight gradient are
/// sound. The unfold/fold form gives the same function (checked against the adjoint identity) with gradients autograd
/// builds from fold/unfold and matrix products, which are repeatable.
/// </summary>
public static class Im2ColConvolution
{
    /// <summary><c>conv2d</c> of <paramref name="input"/> [B, C, H, W] with kernels <paramref name="weight"/> [C', C, k, k], square stride and padding.</summary>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias, long stride = 1, long padding = 0)
    {
        var (batch, height, width) = (input.shape[0], input.shape[2], input.shape[3]);
        var (outputs, kernel) = (weight.shape[0], weight.shape[2]);
        using var scope = NewDisposeScope();
        var columns = nn.functional.unfold(input, (kernel, kernel), padding: (padding, padding), stride: (stride, stride));
        var output = weight.reshape(outputs, -1).matmul(columns);
        if (bias is not null)
            output = output + bias.view(1, outputs, 1);
        return output.view(batch, outputs, (height + 2 * padding - kernel) / stride + 1, (width + 2 * padding - kernel) / stride + 1)
            .MoveToOuterDisposeScope();
    }

    /// <summary>
    /// <c>conv_transpose2d</c> of <paramref name="input"/> [B, C', H1, W1] with kernels <paramref name="weight"/> [C', C, k, k]
    /// (the encoder's layout) to [B, C, <paramref name="height"/>, <paramref name="width"/>]; the output size settles
    /// what <c>output_padding</c> would.
    /// </summary>
    public static Tensor ConvTranspose2d(Tensor input, Tensor weight, Tensor? bias, long stride, long padding, long height, long width)
    {
        var (batch, channels) = (input.shape[0], input.shape[1]);
        var (outputs, kernel) = (weight.shape[1], weight.shape[2]);
        using var scope = NewDisposeScope();
        var columns = weight.reshape(channels, outputs * kernel * kernel).t().matmul(input.reshape(batch, channels, -1));
        var output = nn.functional.fold(columns, (height, width), (kernel, kernel), padding: (padding, padding), stride: (stride, stride));
        if (bias is not null)
            output = output + bias.view(1, outputs, 1, 1);
        return output.MoveToOuterDisposeScope();
    }
}
