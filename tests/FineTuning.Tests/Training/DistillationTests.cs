using Pretrain.FineTuning.Evaluation;
using Pretrain.FineTuning.Networks;
using Pretrain.FineTuning.Training;
using Pretrain.Pretraining;
using Pretrain.Pretraining.Data;
using Pretrain.Pretraining.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Tests.Training;

/// <summary>Teacher probabilities, soft-target examples, and a student that learns from a teacher's probabilities.</summary>
public sealed class DistillationTests
{
    private static readonly MlpSpec Spec = new(4, [16], 3, ActivationKind.Relu);

    [Fact]
    public void Teacher_probabilities_are_the_softmax_of_its_logits_over_the_temperature()
    {
        using var data = Blobs.Make(10);
        using var teacher = MlpBuilder.Build(Spec, seed: 1);
        teacher.train();

        using var plain = TeacherTargets.Probabilities(teacher, data.Features, 1, CPU);
        using var sharp = TeacherTargets.Probabilities(teacher, data.Features, 0.25, CPU);
        using var logits = teacher.forward(data.Features);
        using var expected = nn.functional.softmax(logits, 1);
        using var expectedSharp = nn.functional.softmax(logits / 0.25, 1);

        teacher.training.Should().BeFalse("dropout and batch norm's batch statistics would change the teacher's answers");
        plain.allclose(expected, rtol: 1e-5, atol: 1e-6).Should().BeTrue();
        sharp.allclose(expectedSharp, rtol: 1e-5, atol: 1e-6).Should().BeTrue();
        plain.sum(1).allclose(ones(data.Count), atol: 1e-5).Should().BeTrue("each row is a distribution");
        sharp.max(1).values.mean().item<float>().Should().BeGreaterThan(plain.max(1).values.mean().item<float>(), "a temperature below 1 sharpens");
    }

    [Fact]
    public void Cross_entropy_against_soft_targets_is_their_expected_negative_log_likelihood()
    {
        // The trainer hands soft targets to libtorch's cross_entropy unchanged; this is the behaviour distillation relies on.
        using var generator = new Generator(3);
        using var logits = randn([5, 3], generator: generator);
        using var targets = nn.functional.softmax(randn([5, 3], generator: generator), 1);
        using var loss = nn.functional.cross_entropy(logits, targets);
        using var expected = -(targets * nn.functional.log_softmax(logits, 1)).sum(1).mean();
        loss.item<float>().Should().BeApproximately(expected.item<float>(), 1e-5f);
    }

    [Fact]
    public void Combined_examples_hold_the_labels_as_one_hot_rows_then_the_teacher_probabilities()
    {
        using var labeled = Blobs.Make(2);
        using var unlabeled = Blobs.Make(3, seed: 2);
        using var probabilities = full(9, 3, 1.0f / 3);

        using var combined = SoftLabeledExamples.Combine(labeled, unlabeled, probabilities);

        combined.Count.Should().Be(15);
        combined.ClassCount.Should().Be(3);
        combined.Targets.narrow(0, 0, 6).argmax(1).data<long>().ToArray().Should().Equal(labeled.Labels!.data<long>().ToArray());
        combined.Targets.narrow(0, 0, 6).max(1).values.data<float>().ToArray().Should().AllBeEquivalentTo(1f);
        combined.Targets.narrow(0, 6, 9).allclose(probabilities).Should().BeTrue();
        combined.Features.narrow(0, 6, 9).allclose(unlabeled.Features, rtol: 0, atol: 0).Should().BeTrue();
        var batches = combined.LabeledBatches(4, null, CPU).Select(b => b.Labels.shape.ToArray()).ToList();
        batches.Should().HaveCount(4);
        batches[0].Should().Equal(4, 3);
    }

    [Fact]
    public void Probabilities_that_do_not_match_the_unlabeled_examples_are_refused_naming_them()
    {
        using var labeled = Blobs.Make(2);
        using var unlabeled = Blobs.Make(3, seed: 2);
        using var wrong = full(8, 3, 1.0f / 3);

        var act = () => SoftLabeledExamples.Combine(labeled, unlabeled, wrong);

        act.Should().Throw<DataException>().WithMessage("*blobs*expected teacher probabilities [9, >= 3], received [8, 3]*");
    }

    [Fact]
    public void A_student_learns_the_teachers_function_from_its_probabilities_over_a_few_labels()
    {
        // The teacher learned shifted classes (c -> c+1 mod 3), so a student that follows its probabilities on 300
        // examples rather than the 9 true labels predicts the shifted classes: only the soft targets can teach that.
        using var blobs = Blobs.Make(150, spread: 1.0);
        using var full = blobs.Select(cat([arange(0, 100), arange(150, 250), arange(300, 400)]));
        using var validation = blobs.Select(cat([arange(100, 150), arange(250, 300), arange(400, 450)]));
        using var shiftedFull = new Dataset(full.Features.clone(), (full.Labels! + 1).remainder(3), full.SampleShape, "shifted blobs", 3);
        using var shiftedValidation = new Dataset(validation.Features.clone(), (validation.Labels! + 1).remainder(3), validation.SampleShape, "shifted blobs", 3);
        var context = RunContext.Create(DeviceSpec.Cpu, 5);
        using var teacher = MlpBuilder.Build(Spec, seed: 1);
        new SupervisedTrainer(new SupervisedTrainingOptions { Epochs = 15, BatchSize = 16, LearningRate = 0.01 }).Fit(teacher, shiftedFull, null, context);
        using var few = full.Select(tensor(new long[] { 0, 1, 2, 100, 101, 102, 200, 201, 202 }));
        using var unlabeled = new Dataset(full.Features.clone(), null, full.SampleShape, "blobs without labels");
        using var probabilities = TeacherTargets.Probabilities(teacher, unlabeled.Features, 1, CPU);
        using var examples = SoftLabeledExamples.Combine(few, unlabeled, probabilities);
        using var student = MlpBuilder.Build(Spec, seed: 2);

        var history = new SupervisedTrainer(new SupervisedTrainingOptions { Epochs = 15, BatchSize = 16, LearningRate = 0.01 }).Fit(student, examples, null, context);

        ClassificationEvaluator.Evaluate(teacher, shiftedValidation, CPU).Accuracy.Should().BeGreaterThan(0.9);
        history.Epochs[^1].TrainLoss.Should().BeLessThan(history.Epochs[0].TrainLoss);
        ClassificationEvaluator.Evaluate(student, shiftedValidation, CPU).Accuracy.Should().BeGreaterThan(0.85,
            "the student follows the teacher's probabilities on 300 examples, not the 9 true labels");
    }
}
