using Pretrain.FineTuning.Augmentation;
using Pretrain.Pretraining.Layers;
using Pretrain.Pretraining.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Training;

/// <summary>
/// The unlabeled half of consistency training (<see cref="ConsistencyOptions"/>, FixMatch): draws the unlabeled
/// batches, labels each image from its clean view in evaluation mode, and adds the loss of the confident ones on their
/// strongly changed views to the labeled batch's cross-entropy, both in one forward pass so batch normalization sees
/// them together, or in two so that only the labeled batch moves its running statistics
/// (<see cref="ConsistencyOptions.BatchNorm"/>). Owns its shuffling and augmentation generators, which the epoch body checkpoints.
/// </summary>
internal sealed class ConsistencyRegularization : IDisposable
{
    private readonly ConsistencyOptions _options;
    private readonly TensorLayerInput _unlabeled;
    private readonly ImageAugmenter _strong;

    /// <param name="options">The settings.</param>
    /// <param name="unlabeled">The unlabeled examples, float32 [N, D] scaled as the training inputs (not owned).</param>
    /// <param name="sampleShape">The shape of one example, which must be an image.</param>
    /// <param name="context">Gives the generators.</param>
    public ConsistencyRegularization(ConsistencyOptions options, Tensor unlabeled, IReadOnlyList<long> sampleShape, RunContext context)
    {
        if (unlabeled.dim() != 2 || unlabeled.shape[0] == 0)
            throw new ArgumentException($"expected unlabeled examples [N, D] with N > 0, received [{string.Join(", ", unlabeled.shape)}].", nameof(unlabeled));
        (_options, _unlabeled) = (options, new TensorLayerInput(unlabeled, owns: false));
        var image = SampleShapes.AsImage(sampleShape)
            ?? throw new Pretrain.Pretraining.PretrainException(
                $"consistency: the unlabeled images learn their labels under strong changes, but the examples have the shape [{string.Join(", ", sampleShape)}]; give the data an image shape ([H, W] or [C, H, W]).");
        _strong = new ImageAugmenter(options.Augmentation, image);
        Shuffling = context.CreateGenerator(RandomStream.ConsistencyShuffle);
        Augmenting = context.CreateGenerator(RandomStream.ConsistencyAugmentation);
    }

    /// <summary>The order of the unlabeled examples, drawn anew every pass.</summary>
    public Generator Shuffling { get; }

    /// <summary>The strong changes.</summary>
    public Generator Augmenting { get; }

    /// <summary>Number of unlabeled examples.</summary>
    public long Count => _unlabeled.Count;

    /// <summary>Unlabeled images per labeled one in a batch.</summary>
    public int Ratio => _options.UnlabeledRatio;

    /// <summary>
    /// Every unlabeled example once, in batches of <paramref name="batchSize"/> on <paramref name="device"/>, in an order
    /// drawn from <see cref="Shuffling"/>; each batch is disposed when the next one is requested.
    /// </summary>
    public IEnumerable<Tensor> Batches(int batchSize, Device device) => _unlabeled.Batches(batchSize, Shuffling, device);

    /// <summary>
    /// The batch's loss, in the caller's dispose scope: cross-entropy of <paramref name="labeled"/> (already augmented)
    /// against <paramref name="labels"/>, plus <see cref="ConsistencyOptions.Weight"/> times the mean over the unlabeled
    /// batch of the cross-entropy of each strongly changed image against the label its clean view got, counted only
    /// where that label was sure enough. Leaves <paramref name="model"/> in training mode; also returns the share of the
    /// unlabeled batch that counted, and what to dispose after the loss's backward pass (batch norm's running statistics
    /// put back, with <see cref="ConsistencyBatchNorm.Labeled"/>; null otherwise).
    /// </summary>
    public (Tensor Loss, double LabeledShare, IDisposable? AfterBackward) Loss(nn.Module<Tensor, Tensor> model, Tensor labeled, Tensor labels, Tensor unlabeled, Precision precision)
    {
        Tensor targets, sure;
        model.eval();
        using (no_grad())
        {
            var (confidence, answers) = nn.functional.softmax(MixedPrecision.Forward(model, unlabeled, precision), 1).max(1);
            (targets, sure) = (answers, confidence.ge(_options.Threshold).to(ScalarType.Float32));
        }
        model.train();
        var strong = _strong.Apply(unlabeled, Augmenting);
        var (labeledLogits, strongLogits, afterBackward) = Forward(model, labeled, strong, precision);
        var supervised = nn.functional.cross_entropy(labeledLogits, labels);
        var consistency = (nn.functional.cross_entropy(strongLogits, targets, reduction: nn.Reduction.None) * sure).mean();
        return (supervised + _options.Weight * consistency, sure.mean().item<float>(), afterBackward);
    }

    /// <summary>
    /// The logits of both batches in training mode, in one pass or two as <see cref="ConsistencyOptions.BatchNorm"/> says,
    /// and what to dispose once the loss is backpropagated: with two passes, that puts back the running statistics the
    /// strong views moved (not before, since the backward pass checks that the tensors it saved were left unchanged);
    /// with one, nothing (null).
    /// </summary>
    private (Tensor Labeled, Tensor Strong, IDisposable? AfterBackward) Forward(nn.Module<Tensor, Tensor> model, Tensor labeled, Tensor strong, Precision precision)
    {
        if (_options.BatchNorm == ConsistencyBatchNorm.Labeled)
        {
            var labeledLogits = MixedPrecision.Forward(model, labeled, precision);
            var kept = new Networks.RunningStatisticsKept(model);
            return (labeledLogits, MixedPrecision.Forward(model, strong, precision), kept);
        }
        var logits = MixedPrecision.Forward(model, cat([labeled, strong], 0), precision);
        var count = labeled.shape[0];
        return (logits.narrow(0, 0, count), logits.narrow(0, count, strong.shape[0]), null);
    }

    public void Dispose()
    {
        Shuffling.Dispose();
        Augmenting.Dispose();
    }
}
