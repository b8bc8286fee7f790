using Pretrain.Pretraining.Tests.Support;
using Pretrain.Auxiliary.Corruptions;
using static TorchSharp.torch;

namespace Pretrain.Auxiliary.Tests.Corruptions;

public sealed class ImageCorruptionTests
{
    private const int Side = 10;

    // Distinct random pixel values, so a changed pixel always differs from the original.
    private static Tensor Images(int count, int seed = 1)
    {
        using var g = new Generator((ulong)seed);
        return rand([count, Side * Side], generator: g);
    }

    private static bool[,] ChangedPixels(Tensor before, Tensor after, int image)
    {
        var changed = (before[image] != after[image]).view(Side, Side).data<bool>().ToArray();
        var grid = new bool[Side, Side];
        for (var i = 0; i < changed.Length; i++)
            grid[i / Side, i % Side] = changed[i];
        return grid;
    }

    private static void ShouldBeOneSquare(bool[,] changed, int size)
    {
        var cells = Enumerable.Range(0, Side * Side).Where(i => changed[i / Side, i % Side]).ToList();
        cells.Should().HaveCount(size * size, "exactly one {0}x{0} patch changes", size);
        var (top, left) = (cells.Min(i => i / Side), cells.Min(i => i % Side));
        cells.Should().OnlyContain(i => i / Side < top + size && i % Side < left + size, "the changed pixels form a square");
    }

    [Fact]
    public void Patch_swap_changes_one_square_per_image_to_the_same_pixels_of_another_image()
    {
        using var images = Images(6);
        using var g = new Generator(7);
        using var swapped = new PatchSwap(Side, Side, 3).Corrupt(images, g);

        for (var n = 0; n < 6; n++)
        {
            var changed = ChangedPixels(images, swapped, n);
            ShouldBeOneSquare(changed, 3);
            using var mask = (images[n] != swapped[n]);
            using var patch = swapped[n].masked_select(mask);
            var donors = Enumerable.Range(0, 6).Where(d => d != n)
                .Count(d => { using var theirs = images[d].masked_select(mask); return theirs.Identical(patch); });
            donors.Should().Be(1, "the patch is copied from exactly one other image at the same place");
        }
    }

    [Fact]
    public void Corruptions_leave_their_input_alone_and_repeat_with_the_same_seed()
    {
        using var images = Images(5);
        using var copy = images.clone();
        ICorruption[] corruptions = [new PatchSwap(Side, Side, 4), new BlockMask(Side, Side, 4), new PixelNoise(0.3), new FeatureSwap(0.2)];
        foreach (var corruption in corruptions)
        {
            using var g1 = new Generator(3);
            using var g2 = new Generator(3);
            using var g3 = new Generator(4);
            using var first = corruption.Corrupt(images, g1);
            using var second = corruption.Corrupt(images, g2);
            using var other = corruption.Corrupt(images, g3);
            images.Identical(copy).Should().BeTrue($"{corruption.Describe()} must not change its input");
            first.Identical(second).Should().BeTrue($"{corruption.Describe()} repeats with the same seed");
            first.Identical(other).Should().BeFalse($"{corruption.Describe()} differs with another seed");
            first.shape.Should().Equal(images.shape);
        }
    }

    [Fact]
    public void Block_mask_sets_one_square_to_the_fill_value_and_nothing_else()
    {
        using var images = Images(4);
        using var g = new Generator(11);
        using var masked = new BlockMask(Side, Side, 5, fillValue: -1).Corrupt(images, g);
        for (var n = 0; n < 4; n++)
        {
            ShouldBeOneSquare(ChangedPixels(images, masked, n), 5);
            using var mask = images[n] != masked[n];
            using var values = masked[n].masked_select(mask);
            values.eq(-1).all().item<bool>().Should().BeTrue();
        }
    }

    [Fact]
    public void Shaped_batches_with_channels_get_the_same_patch_in_every_channel()
    {
        using var g0 = new Generator(2);
        using var images = rand([3, 2, Side, Side], generator: g0);
        using var g = new Generator(5);
        using var masked = new BlockMask(Side, Side, 2).Corrupt(images, g);
        using var changed = images != masked;
        changed[TensorIndex.Colon, 0].Identical(changed[TensorIndex.Colon, 1]).Should().BeTrue();
        changed.sum().item<long>().Should().Be(3 * 2 * 4);
    }

    [Fact]
    public void Pixel_noise_replaces_about_the_asked_fraction_with_values_in_range()
    {
        using var images = zeros([200, Side * Side]);
        using var g = new Generator(9);
        using var noisy = new PixelNoise(0.2, low: 0.5, high: 1).Corrupt(images, g);
        using var changed = noisy != 0;
        changed.to(ScalarType.Float32).mean().item<float>().Should().BeApproximately(0.2f, 0.01f);
        using var values = noisy.masked_select(changed);
        values.min().item<float>().Should().BeGreaterThanOrEqualTo(0.5f);
        values.max().item<float>().Should().BeLessThan(1f);
    }

    [Fact]
    public void Feature_swap_replaces_exactly_the_fraction_of_each_row_with_another_rows_values()
    {
        using var rows = Images(8);
        using var g = new Generator(13);
        var swap = new FeatureSwap(0.25);
        using var swapped = swap.Corrupt(rows, g);
        for (var n = 0; n < 8; n++)
        {
            using var mask = rows[n] != swapped[n];
            mask.sum().item<long>().Should().Be(25);
            using var values = swapped[n].masked_select(mask);
            var donors = Enumerable.Range(0, 8).Where(d => d != n)
                .Count(d => { using var theirs = rows[d].masked_select(mask); return theirs.Identical(values); });
            donors.Should().Be(1);
        }
    }

    [Fact]
    public void Bad_settings_and_batches_get_clear_errors()
    {
        FluentActions.Invoking(() => new PatchSwap(28, 28, 29)).Should().Throw<ArgumentException>().WithMessage("*patch size*28*29*");
        FluentActions.Invoking(() => new PixelNoise(0)).Should().Throw<ArgumentException>().WithMessage("*fraction*");
        FluentActions.Invoking(() => new FeatureSwap(1.5)).Should().Throw<ArgumentException>().WithMessage("*fraction*");
        using var g = new Generator(1);
        using var wrong = zeros([4, 50]);
        FluentActions.Invoking(() => new BlockMask(Side, Side, 2).Corrupt(wrong, g)).Should().Throw<ArgumentException>().WithMessage("*10x10*[4, 50]*");
        using var single = zeros([1, 100]);
        FluentActions.Invoking(() => new PatchSwap(Side, Side, 2).Corrupt(single, g)).Should().Throw<ArgumentException>().WithMessage("*at least 2*");
    }
}
