using Pretrain.Pretraining.Layers;
using Pretrain.Pretraining.Layers.Convolutions;
using Pretrain.Pretraining.Tests.Support;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Tests.Layers.Convolutions;

/// <summary>
/// <see cref="ActivatedMaxPooling"/> may pool before the activation, so it is checked against the written order,
/// activation then pooling: the same values and the same gradients, bit for bit.
/// </summary>
public sealed class ActivatedMaxPoolingTests
{
    public static TheoryData<EncoderActivation, int, long[]> Cases()
    {
        var data = new TheoryData<EncoderActivation, int, long[]>();
        foreach (var activation in Enum.GetValues<EncoderActivation>())
        {
            data.Add(activation, 2, [2, 3, 8, 8]);
            data.Add(activation, 3, [2, 2, 7, 8]);   // rows and columns that fill no window
            data.Add(activation, 1, [1, 2, 5, 5]);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Values_and_gradients_are_those_of_the_activation_then_the_pooling(EncoderActivation activation, int pool, long[] shape)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(11);
        // Rounded to halves, so windows hold ties: positive ties, and windows that ReLU turns into all zeros.
        var maps = (randn(shape, dtype: ScalarType.Float64, generator: generator) * 2).round() / 2;
        var outputGradient = randn(WindowMaxPooling.Pool(maps, pool).shape, dtype: ScalarType.Float64, generator: generator);

        var (expected, expectedGradient) = AutogradProbe.ValueAndGradient(maps, outputGradient, m => WindowMaxPooling.Pool(activation.Apply(m), pool));
        var (actual, actualGradient) = AutogradProbe.ValueAndGradient(maps, outputGradient, m => ActivatedMaxPooling.Apply(m, activation, pool));

        actual.equal(expected).all().item<bool>().Should().BeTrue();
        actualGradient.equal(expectedGradient).all().item<bool>().Should().BeTrue();
    }

    [Fact]
    public void ReLU_pools_first_and_saturating_activations_do_not()
    {
        ActivatedMaxPooling.PoolsFirst(EncoderActivation.Relu).Should().BeTrue();
        ActivatedMaxPooling.PoolsFirst(EncoderActivation.Sigmoid).Should().BeFalse();
        ActivatedMaxPooling.PoolsFirst(EncoderActivation.Tanh).Should().BeFalse();
    }
}
