using Pretrain.FineTuning.Evaluation;
using Pretrain.Pretraining.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Tests.Evaluation;

public sealed class ClassificationEvaluatorTests
{
    [Fact]
    public void The_report_matches_a_hand_count()
    {
        // The "model" returns its input as logits, so the prediction is the argmax of each row.
        using var features = tensor(new float[,] { { 5, 0, 0 }, { 0, 5, 0 }, { 0, 5, 0 }, { 0, 0, 5 }, { 5, 0, 0 } });
        using var labels = tensor(new long[] { 0, 1, 0, 2, 0 });
        using var data = new Dataset(features.clone(), labels.clone(), [3], "hand", 3);
        using var identity = nn.Identity();

        var report = ClassificationEvaluator.Evaluate(identity, data, CPU, batchSize: 2);

        report.Accuracy.Should().Be(4.0 / 5);
        report.Count.Should().Be(5);
        report.Confusion.Should().BeEquivalentTo(new long[,] { { 2, 1, 0 }, { 0, 1, 0 }, { 0, 0, 1 } });
        report.PerClassAccuracy.Should().Equal(2.0 / 3, 1.0, 1.0);
        var expectedLoss = nn.functional.cross_entropy(features, labels).item<float>();
        report.Loss.Should().BeApproximately(expectedLoss, 1e-5);
    }
}
