using Pretrain.FineTuning.Augmentation;
using Pretrain.FineTuning.Evaluation;
using Pretrain.FineTuning.Networks;
using Pretrain.FineTuning.Training;
using Pretrain.Pretraining.Data;
using Pretrain.Pretraining.Layers;
using Pretrain.Pretraining.Runtime;
using Pretrain.Pretraining.Training;
using Pretrain.Pretraining.Validation;
using TorchSharp;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Tests.Training;

/// <summary>Consistency training (FixMatch): its loss, and that it carries a few labels to unlabeled images that only the changes connect.</summary>
public sealed class ConsistencyTrainingTests
{
    private static readonly long[] BarShape = [1, 12, 10];

    /// <summary>
    /// Images of vertical bars, 1 pixel wide (class 0) or 3 wide (class 1), whose left edge sits at one of
    /// <paramref name="columns"/>; every combination <paramref name="copies"/> times, with a little seeded noise.
    /// </summary>
    private static Dataset Bars(IReadOnlyList<int> columns, int copies, ulong seed, bool labeled = true)
    {
        using var scope = NewDisposeScope();
        var rows = new List<Tensor>();
        var labels = new List<long>();
        foreach (var column in columns)
            foreach (var width in new[] { 1, 3 })
                for (var i = 0; i < copies; i++)
                {
                    var image = zeros(BarShape);
                    image[.., .., TensorIndex.Slice(column, column + width)] = tensor(1f);
                    rows.Add(image.flatten());
                    labels.Add(width == 1 ? 0 : 1);
                }
        using var generator = new Generator(seed);
        var features = stack(rows) + randn([rows.Count, BarShape.Aggregate((a, b) => a * b)], generator: generator) * 0.05;
        return new Dataset(features.MoveToOuterDisposeScope(), labeled ? tensor(labels.ToArray()).MoveToOuterDisposeScope() : null, BarShape, "bars", 2);
    }

    private static readonly MlpSpec Spec = new(120, [32], 2, ActivationKind.Relu);
    private static readonly SupervisedTrainingOptions Training = new() { Epochs = 30, BatchSize = 8, LearningRate = 0.01 };
    private static readonly ConsistencyOptions Flips = new()
    {
        Epochs = 30, Threshold = 0.95, UnlabeledRatio = 4, Augmentation = new ImageAugmentationOptions { HorizontalFlip = true },
    };

    [Theory]
    [InlineData(1, false)]
    [InlineData(2, false)]
    [InlineData(1, true)]
    public void Consistency_training_teaches_the_strong_changes_of_unlabeled_images_which_the_labels_alone_do_not(int seed, bool batchNormFromLabels)
    {
        // Every image, labeled or not, has its bar in the left half; the test images are their mirror images, whose
        // pixels no labeled image ever lit. Only the flipped strong views of surely labeled unlabeled images reach them.
        using var labeled = Bars([0, 1, 2], 2, seed: 1);
        using var unlabeled = Bars([0, 1, 2], 8, seed: 2, labeled: false);
        using var left = Bars([0, 1, 2], 4, seed: 3);
        using var test = new Dataset(left.Features.view(-1, 1, 12, 10).flip(3).reshape(left.Features.shape), left.Labels!.clone(), BarShape, "mirrored bars", 2);
        var context = RunContext.Create(DeviceSpec.Cpu, seed);

        // With batch norm whose running statistics follow the labeled batches alone, the strong views passing apart.
        var (spec, options) = batchNormFromLabels
            ? (Spec with { BatchNorm = true }, Flips with { BatchNorm = ConsistencyBatchNorm.Labeled })
            : (Spec, Flips);
        using var alone = MlpBuilder.Build(spec, seed: (ulong)seed);
        new SupervisedTrainer(Training).Fit(alone, labeled, null, context);
        using var consistent = MlpBuilder.Build(spec, seed: (ulong)seed);
        var history = new SupervisedTrainer(Training).Fit(consistent, labeled, null, context, consistency: new ConsistencyInput(options, unlabeled));

        var withLabelsAlone = ClassificationEvaluator.Evaluate(alone, test, CPU).Accuracy;
        var withConsistency = ClassificationEvaluator.Evaluate(consistent, test, CPU).Accuracy;
        ClassificationEvaluator.Evaluate(alone, left, CPU).Accuracy.Should().Be(1, "the labels teach the bars where they are");
        withLabelsAlone.Should().BeLessThan(0.8, "no label ever lit a pixel of the right half");
        withConsistency.Should().BeGreaterThan(0.95, "flipped copies of surely labeled bars teach the right half");
        history.Epochs.Should().HaveCount(Flips.Epochs);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(0.9)]
    public void Consistency_training_stopped_after_a_pass_resumes_and_ends_as_an_uninterrupted_run(double? averageDecay)
    {
        // Dropout, a per-batch schedule and early stopping carry state too; the consistency generators must be restored,
        // and with a weight average the trained weights behind it.
        var spec = Spec with { Dropout = 0.3 };
        var training = Training with { Schedule = LearningRateSchedule.Cosine, Patience = 10 };
        var options = Flips with { Epochs = 4, AverageDecay = averageDecay, Augmentation = new ImageAugmentationOptions { HorizontalFlip = true, Erasing = 0.5, Shift = 1 } };
        using var labeled = Bars([0, 1, 2], 2, seed: 1);
        using var unlabeled = Bars([0, 1, 2, 3], 3, seed: 2, labeled: false);
        using var validation = Bars([0, 1, 2, 3], 1, seed: 3);
        var context = RunContext.Create(DeviceSpec.Cpu, 4);
        using var reference = MlpBuilder.Build(spec, seed: 1);
        var expected = new SupervisedTrainer(training).Fit(reference, labeled, validation, context, consistency: new ConsistencyInput(options, unlabeled));

        var folder = Directory.CreateTempSubdirectory("pretrain-consistency-").FullName;
        try
        {
            var checkpoint = new EpochCheckpoint(Path.Combine(folder, "consistency.safetensors"));
            using (var cancellation = new CancellationTokenSource())
            using (var interrupted = MlpBuilder.Build(spec, seed: 1))
            {
                var stopping = RunContext.Create(DeviceSpec.Cpu, 4, cancellation: cancellation.Token);
                var act = () => new SupervisedTrainer(training).Fit(interrupted, labeled, validation, stopping, new CancelAfter(2, cancellation), checkpoint,
                    new ConsistencyInput(options, unlabeled));
                act.Should().Throw<OperationCanceledException>();
            }
            using var resumed = MlpBuilder.Build(spec, seed: 2);
            var history = new SupervisedTrainer(training).Fit(resumed, labeled, validation, context, checkpoint: checkpoint, consistency: new ConsistencyInput(options, unlabeled));

            history.Epochs.Select(e => (e.Epoch, e.TrainLoss, e.ValidationAccuracy)).Should().Equal(expected.Epochs.Select(e => (e.Epoch, e.TrainLoss, e.ValidationAccuracy)));
            ParameterValues.Of(resumed).Should().Equal(ParameterValues.Of(reference));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void With_a_weight_average_the_network_trained_is_the_average()
    {
        // A decay near 1 keeps the average at the starting weights, one near 0 follows the trained ones.
        using var labeled = Bars([0, 1, 2], 2, seed: 1);
        using var unlabeled = Bars([0, 1, 2], 4, seed: 2, labeled: false);
        var options = Flips with { Epochs = 2 };
        var context = RunContext.Create(DeviceSpec.Cpu, 5);
        float[] Trained(double? decay)
        {
            using var network = MlpBuilder.Build(Spec, seed: 1);
            new SupervisedTrainer(Training).Fit(network, labeled, null, context, consistency: new ConsistencyInput(options with { AverageDecay = decay }, unlabeled));
            return ParameterValues.Of(network);
        }
        using var start = MlpBuilder.Build(Spec, seed: 1);
        var (initial, plain) = (ParameterValues.Of(start), Trained(null));
        plain.Zip(initial, (a, b) => Math.Abs(a - b)).Max().Should().BeGreaterThan(0.01f, "training moves the weights");

        Trained(1 - 1e-12).Zip(initial, (a, b) => Math.Abs(a - b)).Max().Should().BeLessThan(1e-5f);
        Trained(1e-12).Zip(plain, (a, b) => Math.Abs(a - b)).Max().Should().BeLessThan(1e-5f);
    }

    [Fact]
    public void The_loss_is_the_labeled_cross_entropy_plus_the_weighted_cross_entropy_of_the_sure_strong_views()
    {
        using var labeled = Bars([0, 1], 1, seed: 1);
        using var unlabeled = Bars([3, 4, 5, 6], 1, seed: 2, labeled: false);
        using var network = MlpBuilder.Build(Spec, seed: 3);
        var options = Flips with { Threshold = 0.5, Weight = 0.7 };
        var context = RunContext.Create(DeviceSpec.Cpu, 11);
        using var regularization = new ConsistencyRegularization(options, unlabeled.Features, BarShape, context);
        // The same strong views, drawn from a generator in the same state.
        using var sameDraws = context.CreateGenerator(RandomStream.ConsistencyAugmentation);
        using var strong = new ImageAugmenter(options.Augmentation, BarShape).Apply(unlabeled.Features, sameDraws);

        var (loss, share, _) = regularization.Loss(network, labeled.Features, labeled.Labels!, unlabeled.Features, Precision.Float32);

        using var probabilities = nn.functional.softmax(network.forward(unlabeled.Features), 1);
        var (confidence, answers) = probabilities.max(1);
        using var sure = confidence.ge(0.5).to(ScalarType.Float32);
        using var expected = nn.functional.cross_entropy(network.forward(labeled.Features), labeled.Labels!)
            + 0.7 * (nn.functional.cross_entropy(network.forward(strong), answers, reduction: nn.Reduction.None) * sure).mean();
        loss.item<float>().Should().BeApproximately(expected.item<float>(), 1e-5f);
        share.Should().Be(1.0, "with two classes the top probability is at least 0.5");
        network.training.Should().BeTrue("the labels come from evaluation mode, the loss from training mode");
    }

    /// <summary>Small networks with a batch normalization, all with the same weights and statistics.</summary>
    private static nn.Module<Tensor, Tensor>[] BatchNormedCopies(int count)
    {
        static nn.Module<Tensor, Tensor> Make() => nn.Sequential(("fc", nn.Linear(120, 16)), ("bn", nn.BatchNorm1d(16)), ("relu", nn.ReLU()), ("out", nn.Linear(16, 2)));
        var copies = Enumerable.Range(0, count).Select(_ => Make()).ToArray();
        foreach (var copy in copies.Skip(1))
            SameWeights.Copy(copies[0], copy);
        return copies;
    }

    [Theory]
    [InlineData(ConsistencyBatchNorm.Shared)]
    [InlineData(ConsistencyBatchNorm.Labeled)]
    public void Batch_norm_statistics_follow_both_batches_or_the_labeled_one_alone_as_the_options_say(ConsistencyBatchNorm batchNorm)
    {
        using var labeled = Bars([0, 1], 2, seed: 1);
        using var unlabeled = Bars([3, 4, 5, 6], 1, seed: 2, labeled: false);
        var copies = BatchNormedCopies(3);
        var (network, byHand, statisticsReference) = (copies[0], copies[1], copies[2]);
        var options = Flips with { Threshold = 0.5, Weight = 0.7, BatchNorm = batchNorm };
        var context = RunContext.Create(DeviceSpec.Cpu, 11);
        using var regularization = new ConsistencyRegularization(options, unlabeled.Features, BarShape, context);
        using var sameDraws = context.CreateGenerator(RandomStream.ConsistencyAugmentation);
        using var strong = new ImageAugmenter(options.Augmentation, BarShape).Apply(unlabeled.Features, sameDraws);

        var (loss, _, afterBackward) = regularization.Loss(network, labeled.Features, labeled.Labels!, unlabeled.Features, Precision.Float32);
        loss.backward();
        afterBackward?.Dispose();

        // The loss by hand: labels from evaluation mode, then training-mode passes, one over both batches or one each
        // (training-mode outputs use the batch's own statistics, so the second pass does not see the first's update).
        byHand.eval();
        using var probabilities = nn.functional.softmax(byHand.forward(unlabeled.Features), 1);
        var (confidence, answers) = probabilities.max(1);
        using var sure = confidence.ge(0.5).to(ScalarType.Float32);
        byHand.train();
        var count = labeled.Features.shape[0];
        var both = byHand.forward(cat([labeled.Features, strong], 0));
        var (labeledLogits, strongLogits) = batchNorm == ConsistencyBatchNorm.Labeled
            ? (byHand.forward(labeled.Features), byHand.forward(strong))
            : (both.narrow(0, 0, count), both.narrow(0, count, strong.shape[0]));
        using var expected = nn.functional.cross_entropy(labeledLogits, labeled.Labels!)
            + 0.7 * (nn.functional.cross_entropy(strongLogits, answers, reduction: nn.Reduction.None) * sure).mean();
        loss.item<float>().Should().BeApproximately(expected.item<float>(), 1e-5f);

        // The running statistics: as after one training-mode pass of the labeled batch alone, or of both batches.
        statisticsReference.train();
        using (no_grad())
            statisticsReference.forward(batchNorm == ConsistencyBatchNorm.Labeled ? labeled.Features : cat([labeled.Features, strong], 0));
        var moved = network.named_buffers().ToDictionary(b => b.name, b => b.buffer);
        foreach (var (name, buffer) in statisticsReference.named_buffers())
            moved[name].to(ScalarType.Float64).allclose(buffer.to(ScalarType.Float64), atol: 1e-6).Should().BeTrue($"{name} follows {batchNorm}");
        moved["bn.num_batches_tracked"].item<long>().Should().Be(1);
    }

    [Fact]
    public void Answers_below_the_threshold_add_nothing()
    {
        using var labeled = Bars([0, 1], 1, seed: 1);
        using var unlabeled = Bars([3, 4, 5, 6], 1, seed: 2, labeled: false);
        using var network = MlpBuilder.Build(Spec, seed: 3);
        using var regularization = new ConsistencyRegularization(Flips with { Threshold = 1 }, unlabeled.Features, BarShape, RunContext.Create(DeviceSpec.Cpu, 11));

        var (loss, share, _) = regularization.Loss(network, labeled.Features, labeled.Labels!, unlabeled.Features, Precision.Float32);

        share.Should().Be(0, "an untrained network is sure of nothing");
        using var labeledOnly = nn.functional.cross_entropy(network.forward(labeled.Features), labeled.Labels!);
        loss.item<float>().Should().BeApproximately(labeledOnly.item<float>(), 1e-6f);
    }

    [Fact]
    public void Bad_settings_are_refused_naming_each_field()
    {
        var options = new ConsistencyOptions { Epochs = 0, Threshold = 1.5, UnlabeledRatio = 0, Weight = -1, Patience = 0, AverageDecay = 1, Augmentation = new() { Erasing = 2 } };

        options.Problems().Select(p => p.Path).Should().BeEquivalentTo("epochs", "threshold", "unlabeledRatio", "weight", "patience", "averageDecay", "augmentation.erasing");
    }

    [Fact]
    public void Examples_that_are_not_images_are_refused()
    {
        using var unlabeled = Blobs.Make(4);
        var act = () => new ConsistencyRegularization(new ConsistencyOptions(), unlabeled.Features, [4], RunContext.Create(DeviceSpec.Cpu, 1));

        act.Should().Throw<Pretrain.Pretraining.PretrainException>().WithMessage("consistency: *shape [4]*image shape*");
    }
}
