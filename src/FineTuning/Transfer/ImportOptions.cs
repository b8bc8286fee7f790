using Pretrain.FineTuning.Networks;

namespace Pretrain.FineTuning.Transfer;

/// <summary>What a weight file does not say about the network it holds, for <see cref="NetworkImporter"/>.</summary>
public sealed record ImportOptions
{
    /// <summary>Nonlinearity after each hidden layer. Default ReLU.</summary>
    public ActivationKind Activation { get; init; } = ActivationKind.Relu;

    /// <summary>Slope of leaky ReLU / ELU alpha; null for each one's default (PReLU's slopes come from the file).</summary>
    public double? ActivationAlpha { get; init; }

    /// <summary>One name per class, in logit order; null for <c>"0"</c>..<c>"C-1"</c>.</summary>
    public IReadOnlyList<string>? Classes { get; init; }

    /// <summary>
    /// The shape of one raw example; null for <c>[D]</c>. Its product must be the input width D. A CNN (4-D kernels in
    /// the file) needs it as the image <c>[C, H, W]</c> the convolutions see.
    /// </summary>
    public IReadOnlyList<long>? InputShape { get; init; }

    /// <summary>Stride, padding and pooling of each convolutional block, lowest first; null or empty for PyTorch's defaults in every block.</summary>
    public IReadOnlyList<ImportedConvolution>? Convolutions { get; init; }

    /// <summary>What the catalog entry says the model is for (default: where it was imported from).</summary>
    public string? Task { get; init; }
}
