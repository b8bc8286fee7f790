using Pretrain.FineTuning.Training;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Tests.Training;

/// <summary>The moving average of a network's weights: its arithmetic, and which weights the network holds when.</summary>
public sealed class WeightAverageTests
{
    [Fact]
    public void The_average_moves_one_minus_decay_of_the_way_at_every_update_and_counts_are_copied()
    {
        using var weight = tensor(new[] { 1f, -2f });
        using var count = tensor(3L);
        var network = new Dictionary<string, Tensor> { ["w"] = weight, ["count"] = count };
        using var average = new WeightAverage(network, decay: 0.75);
        double[] expected = [1, -2];
        foreach (var step in new[] { new[] { 3f, 0f }, new[] { -1f, 4f }, new[] { 2f, 2f } })
        {
            weight.copy_(tensor(step));
            count.add_(1);
            average.Update();
            expected = expected.Zip(step, (a, s) => 0.75 * a + 0.25 * s).ToArray();
        }

        average.ShowAverage();

        weight.data<float>().ToArray().Select(v => (double)v).Should().Equal(expected, (a, b) => Math.Abs(a - b) < 1e-6);
        count.item<long>().Should().Be(6, "integer buffers such as batch counts are not averaged");
        average.ResumeTraining();
        weight.data<float>().ToArray().Should().Equal(2f, 2f);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    public void A_decay_outside_0_to_1_is_refused(double decay)
    {
        using var weight = tensor(new[] { 1f });
        var act = () => new WeightAverage(new Dictionary<string, Tensor> { ["w"] = weight }, decay);

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName(nameof(decay));
    }
}
