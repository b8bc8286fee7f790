using Pretrain.Pretraining.Data;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Tests.Data;

public sealed class DataChecksTests
{
    [Fact]
    public void Finite_values_pass_even_when_their_sum_overflows_and_a_nan_or_infinity_is_named_with_its_position()
    {
        using var large = full(4, 3e38f);
        FluentActions.Invoking(() => DataChecks.EnsureFinite(large, "large.npy")).Should().NotThrow("every value is finite, only their sum is not");

        using var opposite = tensor(new[] { 1f, float.PositiveInfinity, float.NegativeInfinity });
        FluentActions.Invoking(() => DataChecks.EnsureFinite(opposite, "opposite.npy")).Should().Throw<DataException>()
            .WithMessage("opposite.npy: 2 NaN or infinite value(s); the first at flat index 1.");

        using var nan = tensor(new[] { 0f, 0f, float.NaN });
        FluentActions.Invoking(() => DataChecks.EnsureFinite(nan, "nan.npy")).Should().Throw<DataException>().WithMessage("nan.npy: 1 NaN*index 2.");
    }
}
