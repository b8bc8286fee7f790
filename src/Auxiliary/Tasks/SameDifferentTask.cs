using Pretrain.Auxiliary.Corruptions;
using Pretrain.Auxiliary.Encoders;
using Pretrain.Pretraining.Validation;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pretrain.Auxiliary.Tasks;

/// <summary>
/// Same versus different: one (siamese) encoder sees both instances of a pair and the task says whether they are the
/// same thing. With labels (a large auxiliary labelled set), "same" means the same class and each instance is paired
/// with a same-class and a different-class partner from its batch. Without labels, "same" means two independent
/// corruptions of one instance and "different" a corruption of another instance. Every batch is balanced. With the
/// <see cref="PairLoss.NtXent"/> loss the task is contrastive pretraining (SimCLR): every other instance of the batch
/// is a "different" partner at once, scored on a projection head that pretraining leaves behind.
/// </summary>
public sealed class SameDifferentTask : IAuxiliaryTask
{
    private readonly ICorruption? _corruption;
    private readonly LinearHead? _head;
    private readonly ProjectionHead? _projection;
    private readonly Func<AuxiliaryEncoder, Tensor, Tensor> _read;

    /// <summary>Creates the task.</summary>
    /// <param name="corruption">Makes the two views of an instance when no labels are given; may be null when labels always are.</param>
    /// <param name="encoderOutputs">Width of the encoder's output.</param>
    /// <param name="loss">Binary cross-entropy on a learned head, or the contrastive loss on distances.</param>
    /// <param name="margin">The contrastive margin (ignored for binary cross-entropy).</param>
    /// <param name="device">Where the head lives.</param>
    /// <param name="generator">Draws the head's initial weights.</param>
    /// <param name="contrastive">The NT-Xent temperature and projection head (used with <see cref="PairLoss.NtXent"/> only); defaults when null.</param>
    /// <param name="read">
    /// How the encoder reads a batch of instances into codes <c>[N, encoderOutputs]</c>; null reads with
    /// <see cref="AuxiliaryEncoder.Forward"/>. Text documents are read by pooling the window encoder over their words
    /// (<see cref="Text.DocumentPooler"/>), so the pairs are whole documents rather than windows.
    /// </param>
    public SameDifferentTask(ICorruption? corruption, int encoderOutputs, PairLoss loss, double margin, Device device, Generator generator,
        ContrastiveSettings? contrastive = null, Func<AuxiliaryEncoder, Tensor, Tensor>? read = null)
    {
        _read = read ?? ((encoder, batch) => encoder.Forward(batch));
        if (loss == PairLoss.Contrastive && !(margin > 0))
            throw new ArgumentException($"same-versus-different task: the contrastive margin must be positive, received {margin}.");
        _corruption = corruption;
        PairLoss = loss;
        Margin = margin;
        Contrastive = contrastive ?? new ContrastiveSettings();
        if (loss == PairLoss.BinaryCrossEntropy)
            _head = new LinearHead(2 * encoderOutputs, device, generator);
        if (loss == PairLoss.NtXent)
        {
            Contrastive.ThrowIfInvalid("same-versus-different task");
            _projection = new ProjectionHead(encoderOutputs, Contrastive.ProjectionHidden, Contrastive.ProjectionSize, device, generator, Contrastive.ProjectionBatchNorm);
        }
    }

    /// <summary>Temperature and projection head of the <see cref="PairLoss.NtXent"/> loss.</summary>
    public ContrastiveSettings Contrastive { get; }

    /// <summary>The loss in use.</summary>
    public PairLoss PairLoss { get; }

    /// <summary>The contrastive margin.</summary>
    public double Margin { get; }

    /// <inheritdoc />
    public string Name => "sameDifferent";

    /// <inheritdoc />
    public string ScoreName => "heldOutAccuracy";

    /// <inheritdoc />
    public IEnumerable<Parameter> HeadParameters => _head?.Parameters ?? _projection?.Parameters ?? [];

    /// <inheritdoc />
    public Tensor Loss(AuxiliaryEncoder encoder, Tensor batch, Tensor? labels, Generator generator)
    {
        if (PairLoss == PairLoss.NtXent)
            return NtXentLoss.Compute(Projections(encoder, batch, generator), Contrastive.Temperature);
        var (left, right, same) = Pairs(encoder, batch, labels, generator);
        if (PairLoss == PairLoss.Contrastive)
            return ContrastiveLoss.Compute(Distance(left, right), same, Margin);
        return nn.functional.binary_cross_entropy_with_logits(Logits(left, right), same);
    }

    /// <inheritdoc />
    public (double Correct, long Count) Score(AuxiliaryEncoder encoder, Tensor batch, Tensor? labels, Generator generator)
    {
        if (PairLoss == PairLoss.NtXent)
            return batch.shape[0] < 2 ? (0, 0) : (NtXentLoss.Matched(Projections(encoder, batch, generator), Contrastive.Temperature), 2 * batch.shape[0]);
        var (left, right, same) = Pairs(encoder, batch, labels, generator);
        var saysSame = PairLoss == PairLoss.Contrastive ? Distance(left, right) < Margin / 2 : Logits(left, right) > 0;
        return ((saysSame.to(ScalarType.Float32) == same).sum().item<long>(), same.shape[0]);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _head?.Dispose();
        _projection?.Dispose();
    }

    /// <summary>Projections [2N, D] of two views of each instance: rows i and i+N are partners. Labels are not used.</summary>
    private Tensor Projections(AuxiliaryEncoder encoder, Tensor batch, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(batch);
        var corruption = _corruption ?? throw new InvalidOperationException("contrastive pretraining needs a corruption (augmentation) to make the two views.");
        var (first, second) = TwoViews(corruption, batch, generator);
        var views = cat([first, second]);
        return _projection!.Forward(_read(encoder, views));
    }

    /// <summary>Two views of every instance: drawn together when the corruption pairs them, else independently.</summary>
    private static (Tensor, Tensor) TwoViews(ICorruption corruption, Tensor batch, Generator generator) =>
        corruption is IViewPair pair ? pair.Views(batch, generator) : (corruption.Corrupt(batch, generator), corruption.Corrupt(batch, generator));

    private static Tensor Distance(Tensor left, Tensor right) => (left - right).square().sum(1).add(1e-9).sqrt();

    private Tensor Logits(Tensor left, Tensor right) => _head!.Forward(cat([(left - right).abs(), left * right], 1));

    private (Tensor Left, Tensor Right, Tensor Same) Pairs(AuxiliaryEncoder encoder, Tensor batch, Tensor? labels, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(batch);
        return labels is null ? CorruptionPairs(encoder, batch, generator) : LabelPairs(encoder, batch, labels, generator);
    }

    private (Tensor, Tensor, Tensor) CorruptionPairs(AuxiliaryEncoder encoder, Tensor batch, Generator generator)
    {
        var corruption = _corruption ?? throw new InvalidOperationException("same-versus-different without labels needs a corruption to make the two views.");
        var n = batch.shape[0];
        var (anchor, sameView) = TwoViews(corruption, batch, generator);
        var others = batch.index_select(0, DonorRows.Draw(n, generator, batch.device, "same-versus-different"));
        var otherView = corruption.Corrupt(others, generator);
        var codes = _read(encoder, cat([anchor, sameView, otherView]));
        var (a, s, o) = (codes.narrow(0, 0, n), codes.narrow(0, n, n), codes.narrow(0, 2 * n, n));
        return (cat([a, a]), cat([s, o]), cat([ones([n], device: batch.device), zeros([n], device: batch.device)]));
    }

    private (Tensor, Tensor, Tensor) LabelPairs(AuxiliaryEncoder encoder, Tensor batch, Tensor labels, Generator generator)
    {
        var n = batch.shape[0];
        var sameClass = labels.unsqueeze(1) == labels.unsqueeze(0);
        // A random partner per row among the allowed ones: random scores, the disallowed pushed below every allowed.
        var scores = rand([n, n], generator: generator).to(batch.device);
        var sameOther = sameClass & eye(n, dtype: ScalarType.Bool, device: batch.device).logical_not();
        var samePartner = scores.masked_fill(sameOther.logical_not(), -1).argmax(1);
        var otherPartner = scores.masked_fill(sameClass, -1).argmax(1);
        var hasOther = sameClass.logical_not().any(1);
        var codes = _read(encoder, batch);
        var keep = cat([sameOther.any(1), hasOther]);
        var left = cat([codes, codes]);
        var right = cat([codes.index_select(0, samePartner), codes.index_select(0, otherPartner)]);
        var same = cat([ones([n], device: batch.device), zeros([n], device: batch.device)]);
        var kept = keep.nonzero().squeeze(1);
        return (left.index_select(0, kept), right.index_select(0, kept), same.index_select(0, kept));
    }
}
