using Pretrain.Pretraining.Layers.Autoencoders;
using Pretrain.Pretraining.Tests.Support;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Tests.Layers.Autoencoders;

public sealed class CorruptionTests
{
    private static Tensor Input() => full([200, 50], 0.5f);

    [Fact]
    public void Masking_zeroes_the_stated_fraction_and_changes_nothing_else()
    {
        using var input = Input();
        using var generator = new Generator(1);
        using var masked = Corruption.Masking(input, 0.25, generator);
        var zeroed = masked.eq(0).to(ScalarType.Float32).mean().item<float>();
        zeroed.Should().BeApproximately(0.25f, 0.02f);
        masked.ne(0).logical_and(masked.ne(input)).any().item<bool>().Should().BeFalse("kept values are untouched");
    }

    [Fact]
    public void Gaussian_noise_has_the_stated_standard_deviation()
    {
        using var input = Input();
        using var generator = new Generator(2);
        using var noisy = Corruption.Gaussian(input, 0.3, generator);
        using var noise = noisy - input;
        noise.std().item<float>().Should().BeApproximately(0.3f, 0.01f);
        noise.mean().item<float>().Should().BeApproximately(0f, 0.01f);
    }

    [Fact]
    public void Salt_and_pepper_sets_only_zeros_and_ones_at_the_stated_fraction()
    {
        using var input = Input();
        using var generator = new Generator(3);
        using var corrupted = Corruption.SaltAndPepper(input, 0.2, generator);
        using var changed = corrupted.ne(input);
        changed.to(ScalarType.Float32).mean().item<float>().Should().BeApproximately(0.2f, 0.02f);
        using var changedValues = corrupted.masked_select(changed);
        changedValues.eq(0).logical_or(changedValues.eq(1)).all().item<bool>().Should().BeTrue();
        changedValues.mean().item<float>().Should().BeApproximately(0.5f, 0.05f, "salt and pepper are equally likely");
    }

    [Fact]
    public void The_same_seed_gives_the_same_corruption()
    {
        using var input = Input();
        using var g1 = new Generator(7);
        using var g2 = new Generator(7);
        using var a = Corruption.Masking(input, 0.5, g1);
        using var b = Corruption.Masking(input, 0.5, g2);
        a.Identical(b).Should().BeTrue();
    }
}
