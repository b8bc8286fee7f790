using Pretrain.Auxiliary.Tasks;
using Pretrain.Pretraining.Layers;
using Pretrain.Pretraining.Validation;

namespace Pretrain.Recipes.Model;

/// <summary>
/// The recipe's <c>pretraining.auxiliary</c> section: train an encoder on a task whose labels are free (good versus
/// corrupted instances, or same versus different pairs) on the unlabeled examples, then hand its layers on as the
/// pretrained stack. Exclusive with <c>pretraining.layers</c>. The training fields (<c>epochs</c>, <c>batchSize</c>,
/// <c>learningRate</c>, <c>weightDecay</c>, <c>heldOutFraction</c>) and their defaults are inherited from
/// <see cref="AuxiliaryTrainingOptions"/>, which the stage hands to the trainer as they are.
/// </summary>
public sealed record AuxiliarySection : AuxiliaryTrainingOptions
{
    /// <summary>The auxiliary task.</summary>
    public AuxiliaryTaskKind Task { get; init; } = AuxiliaryTaskKind.CorruptedVsGood;

    /// <summary>How bad instances (or the two views of a same pair) are made from good ones.</summary>
    public required CorruptionSection Corruption { get; init; }

    /// <summary>The encoder's hidden layer widths, lowest first: the layers the target network reuses.</summary>
    public IReadOnlyList<int> HiddenLayers { get; init; } = [500, 500];

    /// <summary>
    /// Convolutional blocks of the encoder below its hidden layers (image data), which the target network reuses as
    /// its convolutions. Default none.
    /// </summary>
    public IReadOnlyList<ConvolutionSection> Convolutions { get; init; } = [];

    /// <summary>The NT-Xent loss's temperature and projection head (<c>pairLoss: ntXent</c>). Defaults when absent.</summary>
    public ContrastiveSettings? Contrastive { get; init; }

    /// <summary>The encoder's nonlinearity.</summary>
    public EncoderActivation Activation { get; init; } = EncoderActivation.Sigmoid;

    /// <summary>
    /// Batch normalization before every activation of the encoder, with each batch's statistics (SimCLR's encoders
    /// have it). The stack keeps no normalization: it is folded into the layers' weights and biases with statistics of
    /// up to 10,000 unlabeled examples, so the network built from the stack starts with the encoder's function. Default false.
    /// </summary>
    public bool BatchNorm { get; init; }

    /// <summary>Ranking task: the margin a good instance must win by.</summary>
    public double Margin { get; init; } = 1;

    /// <summary>Same-versus-different task: binary cross-entropy on a learned head, or the contrastive loss.</summary>
    public PairLoss PairLoss { get; init; } = PairLoss.BinaryCrossEntropy;

    /// <summary>The training options' problems, then the encoder's, the task's and the corruption's, each with its relative path.</summary>
    public override IEnumerable<OptionProblem> Problems()
    {
        foreach (var problem in base.Problems())
            yield return problem;
        if (HiddenLayers.Count == 0 && Convolutions.Count == 0)
            yield return new("hiddenLayers", "expected at least one layer width.");
        for (var i = 0; i < Convolutions.Count; i++)
            foreach (var problem in Convolutions[i].Problems())
                yield return problem.Under($"convolutions[{i}]");
        foreach (var problem in Contrastive?.Problems() ?? [])
            yield return problem.Under("contrastive");
        if (PairLoss == PairLoss.NtXent && Task != AuxiliaryTaskKind.SameDifferent)
            yield return new("pairLoss", "ntXent is a loss of the sameDifferent task: set task to 'sameDifferent'.");
        for (var i = 0; i < HiddenLayers.Count; i++)
            if (HiddenLayers[i] < 1)
                yield return new($"hiddenLayers[{i}]", $"expected a positive integer, received {HiddenLayers[i]}.");
        if (!(Margin > 0))
            yield return new("margin", $"expected a positive number, received {Margin}.");
        foreach (var problem in Corruption.Problems())
            yield return problem.Under("corruption");
    }
}

/// <summary>The auxiliary tasks a recipe can choose.</summary>
public enum AuxiliaryTaskKind
{
    /// <summary>Good instances labelled 1, corrupted copies 0, a logistic unit on the encoder.</summary>
    CorruptedVsGood,

    /// <summary>Max-margin pairwise scoring of good against corrupted instances.</summary>
    Ranking,

    /// <summary>Siamese same-versus-different pairs: two corruptions of one instance versus of two instances.</summary>
    SameDifferent,
}

/// <summary>The recipe's <c>pretraining.auxiliary.corruption</c>: one corruption and its settings.</summary>
public sealed record CorruptionSection : IValidatedOptions
{
    /// <summary>Which corruption.</summary>
    public required CorruptionKind Kind { get; init; }

    /// <summary>Patch or block side in pixels (<c>patchSwap</c>, <c>blockMask</c>).</summary>
    public int Size { get; init; } = 8;

    /// <summary>Fraction of pixels (<c>pixelNoise</c>) or features (<c>featureSwap</c>) replaced.</summary>
    public double Fraction { get; init; } = 0.25;

    /// <summary>The value written by <c>blockMask</c>.</summary>
    public double FillValue { get; init; }

    /// <summary>Lower end of <c>pixelNoise</c> values.</summary>
    public double Low { get; init; }

    /// <summary>Upper end of <c>pixelNoise</c> values.</summary>
    public double High { get; init; } = 1;

    /// <summary>The random changes of <c>augmentation</c> views (crop, rotation, shift, flip, brightness, erasing).</summary>
    public FineTuning.Augmentation.ImageAugmentationOptions? Augmentation { get; init; }

    /// <summary>Every value out of range, each with its field's path relative to the corruption.</summary>
    public IEnumerable<OptionProblem> Problems()
    {
        if (Size < 1)
            yield return new("size", $"expected a positive integer, received {Size}.");
        if (Fraction is <= 0 or > 1)
            yield return new("fraction", $"expected a number in (0, 1], received {Fraction}.");
        if (!(High > Low))
            yield return new("high", $"expected high > low, received low {Low} and high {High}.");
        if (Kind == CorruptionKind.Augmentation && Augmentation is not { IsActive: true })
            yield return new("augmentation", "augmentation views need at least one change, e.g. { \"crop\": 0.5, \"horizontalFlip\": true }.");
        foreach (var problem in Augmentation?.Problems() ?? [])
            yield return problem.Under("augmentation");
    }
}

/// <summary>The corruptions a recipe can choose for dense data.</summary>
public enum CorruptionKind
{
    /// <summary>Swap a square patch with the same patch of another image.</summary>
    PatchSwap,

    /// <summary>Set a square block to a fill value.</summary>
    BlockMask,

    /// <summary>Replace a fraction of pixels with uniform noise.</summary>
    PixelNoise,

    /// <summary>Replace a fraction of features with another row's values.</summary>
    FeatureSwap,

    /// <summary>A random augmentation of each image (the views of contrastive pretraining); see <see cref="CorruptionSection.Augmentation"/>.</summary>
    Augmentation,
}
