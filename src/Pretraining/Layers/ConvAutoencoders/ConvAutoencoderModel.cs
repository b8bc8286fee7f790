using Pretrain.Pretraining.Layers.Convolutions;
using Pretrain.Pretraining.Layers.Autoencoders;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Layers.ConvAutoencoders;

/// <summary>
/// The trainable state of one convolutional autoencoder layer on [C, H, W] images: encoder kernels W [C', C, k, k] and
/// bias b [C'], decoder kernels (W itself when tied, else their own) and bias c [C]. With pooling, the decoder sees the
/// pooled maxima put back where they were and zeros elsewhere (Masci et al.'s unpooling), or each maximum spread over
/// its window (<see cref="ConvUnpooling.Nearest"/>); either way it learns from exactly what the frozen layer passes up.
/// </summary>
internal sealed class ConvAutoencoderModel : IDisposable
{
    private readonly ConvAutoencoderOptions _options;
    private readonly long[] _image;

    public ConvAutoencoderModel(IReadOnlyList<long> image, ConvAutoencoderOptions options, Device device, Generator generator)
    {
        _options = options;
        _image = image.ToArray();
        var (inputs, outputs, k) = (_image[0], (long)options.Channels, (long)options.Kernel);
        // Glorot-uniform over the receptive fields; x4 for sigmoid units, as for dense autoencoders.
        var bound = Math.Sqrt(6.0 / ((inputs + outputs) * k * k)) * (options.Activation == EncoderActivation.Sigmoid ? 4 : 1);
        Weight = Parameter(empty([outputs, inputs, k, k]).uniform_(-bound, bound, generator: generator), device);
        Bias = Parameter(zeros(outputs), device);
        // A transposed convolution takes kernels shaped like the encoder's; a plain convolution back needs [C, C', k, k].
        long[] decoderShape = options.Decoder == ConvDecoder.Transposed ? [outputs, inputs, k, k] : [inputs, outputs, k, k];
        DecoderWeight = options.TiedWeights ? null : Parameter(empty(decoderShape).uniform_(-bound, bound, generator: generator), device);
        DecoderBias = Parameter(zeros(inputs), device);
    }

    public Parameter Weight { get; }

    public Parameter Bias { get; }

    public Parameter? DecoderWeight { get; }

    public Parameter DecoderBias { get; }

    public IEnumerable<Parameter> Parameters =>
        DecoderWeight is null ? [Weight, Bias, DecoderBias] : [Weight, Bias, DecoderWeight, DecoderBias];

    /// <summary>The parameters by name, for early-stopping snapshots.</summary>
    public IReadOnlyDictionary<string, Tensor> State
    {
        get
        {
            var state = new Dictionary<string, Tensor> { ["weight"] = Weight, ["bias"] = Bias, ["decoder.bias"] = DecoderBias };
            if (DecoderWeight is not null)
                state["decoder.weight"] = DecoderWeight;
            return state;
        }
    }

    /// <summary>The decoder's kernels as the frozen layer keeps them (the encoder's, rearranged, when tied).</summary>
    public Tensor DecoderKernels => DecoderKernelsOf(_options, Weight, DecoderWeight);

    /// <summary>Total loss (reconstruction of the clean images from the corrupted ones, plus the sparsity penalty) and the reconstruction part.</summary>
    public (Tensor Total, Tensor Reconstruction) Loss(Tensor clean, Tensor corrupted) =>
        LossOf(_options, _image, Weight, Bias, DecoderWeight, DecoderBias, clean, corrupted);

    /// <summary>
    /// The loss as a plain function of the parameters (so gradients can be checked against finite differences):
    /// <paramref name="clean"/> and <paramref name="corrupted"/> are [B, C, H, W] images of <paramref name="image"/>;
    /// <paramref name="decoderWeight"/> is null for tied weights.
    /// </summary>
    internal static (Tensor Total, Tensor Reconstruction) LossOf(ConvAutoencoderOptions options, IReadOnlyList<long> image, Tensor weight, Tensor bias,
        Tensor? decoderWeight, Tensor decoderBias, Tensor clean, Tensor corrupted)
    {
        var (hidden, decoded) = EncodeDecode(options, image, weight, bias, DecoderKernelsOf(options, weight, decoderWeight), decoderBias, corrupted);
        var reconstruction = AutoencoderPenalties.Reconstruction(options.Loss, decoded, clean);
        if (options.SparsityTarget is not double rho)
            return (reconstruction, reconstruction);
        // One mean activation per channel, over examples and positions: [B, C', H1, W1] -> [B*H1*W1, C'].
        var perChannel = hidden.transpose(0, 1).reshape(hidden.shape[1], -1).t();
        return (reconstruction + options.SparsityWeight * AutoencoderPenalties.SparsityKl(perChannel, rho), reconstruction);
    }

    /// <summary>Feature maps before pooling, [B, C', H1, W1], of images [B, C, H, W].</summary>
    private static Tensor Encode(ConvAutoencoderOptions options, Tensor weight, Tensor bias, Tensor images) =>
        options.Activation.Apply(RepeatableConvolution.Conv2d(images, weight, bias, options.Stride, options.Padding));

    /// <summary>
    /// What the decoder sees of <paramref name="hidden"/>: the maps themselves without pooling; with pooling, each
    /// window's maximum in its place and zeros elsewhere (rows and columns the pooling drops stay zero). The mask of
    /// maxima is built by comparison rather than with <c>max_unpool2d</c>, whose TorchSharp binding loses its output
    /// size; tied maxima are all kept, which changes nothing where the tied values are zeros (ReLU).
    /// </summary>
    private static Tensor Unpooled(ConvAutoencoderOptions options, Tensor hidden)
    {
        var pool = options.PoolSize ?? 1;
        if (pool <= 1)
            return hidden.alias();
        using var scope = NewDisposeScope();
        var (height, width) = (hidden.shape[2], hidden.shape[3]);
        var (covered, coveredWidth) = (height / pool * pool, width / pool * pool);
        // [B, C', H1/p, W1/p] -> [B, C', H1/p*p, W1/p*p]: each maximum repeated over its window (only compared, so no gradient).
        var spread = WindowUpsampling.Nearest(WindowMaxPooling.Pool(hidden.detach(), pool), pool);
        var windows = hidden.narrow(2, 0, covered).narrow(3, 0, coveredWidth);
        var kept = windows * windows.eq(spread);
        var unpooled = nn.functional.pad(kept, new long[] { 0, width - coveredWidth, 0, height - covered });
        return unpooled.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// What the decoder sees of <paramref name="hidden"/> with <see cref="ConvUnpooling.Nearest"/>: the pooled maps
    /// upsampled by nearest neighbour back to the maps' own size, each maximum over its whole window (maps that are not
    /// whole windows are interpolated to their size by libtorch's nearest rule, so the dropped rows and columns take
    /// nearby maxima).
    /// </summary>
    private static Tensor SpreadOverWindows(ConvAutoencoderOptions options, Tensor hidden)
    {
        var pool = options.PoolSize ?? 1;
        if (pool <= 1)
            return hidden.alias();
        using var scope = NewDisposeScope();
        var pooled = WindowMaxPooling.Pool(hidden, pool);
        // Maps made of whole windows (the usual case) take the fast copies; others keep libtorch's size rounding.
        var spread = hidden.shape[2] % pool == 0 && hidden.shape[3] % pool == 0
            ? WindowUpsampling.Nearest(pooled, pool)
            : nn.functional.interpolate(pooled, size: [hidden.shape[2], hidden.shape[3]], mode: InterpolationMode.Nearest);
        return spread.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The reconstruction of <paramref name="images"/> [B, C, H, W] by a trained layer (encoder kernels and bias,
    /// decoder kernels already in the decoder's layout and decoder bias), through the same path as training and with
    /// the output nonlinearity the loss implies (sigmoid for cross-entropy).
    /// </summary>
    internal static Tensor Reconstruct(ConvAutoencoderOptions options, IReadOnlyList<long> image, Tensor weight, Tensor bias,
        Tensor decoderKernels, Tensor decoderBias, Tensor images)
    {
        using var scope = NewDisposeScope();
        var (_, decoded) = EncodeDecode(options, image, weight, bias, decoderKernels, decoderBias, images);
        return (options.Loss == ReconstructionLoss.BinaryCrossEntropy ? decoded.sigmoid() : decoded).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The one path training and <see cref="Reconstruct"/> share: the feature maps before pooling and the decoder's
    /// output before its nonlinearity, through the unpooling <see cref="ConvAutoencoderOptions.Unpooling"/> names.
    /// </summary>
    private static (Tensor Hidden, Tensor Decoded) EncodeDecode(ConvAutoencoderOptions options, IReadOnlyList<long> image, Tensor weight, Tensor bias,
        Tensor decoderKernels, Tensor decoderBias, Tensor images)
    {
        var hidden = Encode(options, weight, bias, images);
        var code = options.Unpooling == ConvUnpooling.Nearest ? SpreadOverWindows(options, hidden) : Unpooled(options, hidden);
        return (hidden, DecoderPreActivation(options, image, decoderKernels, decoderBias, code));
    }

    /// <summary>The decoder's output before its nonlinearity, [B, C, H, W].</summary>
    private static Tensor DecoderPreActivation(ConvAutoencoderOptions options, IReadOnlyList<long> image, Tensor kernels, Tensor bias, Tensor code)
    {
        var (height, width) = (image[1], image[2]);
        if (options.Decoder == ConvDecoder.Transposed)
        {
            // Folding to the image's own size puts back the rows the floor in the encoder's size formula dropped.
            var g = options.Geometry;
            return RepeatableConvolution.ConvTranspose2d(code, kernels, bias, g.Stride, g.Padding, height, width);
        }
        using var scope = NewDisposeScope();
        // With stride 1 the unpooled code already has the image's size, and nearest interpolation to the same size is
        // a copy whose backward pass cost a third of a step.
        var upsampled = code.shape[2] == height && code.shape[3] == width
            ? code
            : nn.functional.interpolate(code, size: [height, width], mode: InterpolationMode.Nearest);
        // Padding k/2 keeps the size for odd kernels; even kernels give one row and column more, cut off here.
        var convolved = RepeatableConvolution.Conv2d(upsampled, kernels, bias, padding: options.Kernel / 2);
        return convolved.narrow(2, 0, height).narrow(3, 0, width).MoveToOuterDisposeScope();
    }

    // A transposed convolution reads kernels shaped like the encoder's; a convolution back from C' to C channels
    // needs them transposed: [C', C, k, k] -> [C, C', k, k], flipped in space.
    private static Tensor DecoderKernelsOf(ConvAutoencoderOptions options, Tensor weight, Tensor? decoderWeight) =>
        decoderWeight ?? (options.Decoder == ConvDecoder.Transposed ? weight : weight.transpose(0, 1).flip(2, 3));

    public void Dispose()
    {
        foreach (var parameter in Parameters)
            parameter.Dispose();
    }

    private static Parameter Parameter(Tensor initial, Device device)
    {
        using var moved = initial.to(device);
        initial.Dispose();
        return new Parameter(moved.detach().clone(), requires_grad: true);
    }
}
