using Pretrain.FineTuning.Augmentation;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Tests.Augmentation;

public sealed class ImageAugmenterTests
{
    private static readonly long[] Image = [1, 6, 6];

    [Fact]
    public void A_shift_moves_each_image_whole_by_at_most_the_given_pixels_and_fills_with_zeros()
    {
        using var generator = new Generator(1);
        // One bright pixel in the middle: after a shift it must sit at most 1 pixel away, alone.
        using var batch = zeros(50, 36);
        batch[.., 2 * 6 + 3] = tensor(1f);
        var augmenter = new ImageAugmenter(new ImageAugmentationOptions { Shift = 1 }, Image);

        using var shifted = augmenter.Apply(batch, generator);

        shifted.shape.Should().Equal(50, 36);
        shifted.sum(1).allclose(ones(50)).Should().BeTrue("a shift of 1 keeps a pixel 2 away from the border inside the image");
        var positions = shifted.argmax(1).data<long>().ToArray();
        positions.Should().OnlyContain(p => Math.Abs(p / 6 - 2) <= 1 && Math.Abs(p % 6 - 3) <= 1);
        positions.Distinct().Should().HaveCountGreaterThan(5, "the nine offsets are drawn per image");
        using var edge = zeros(50, 36);
        edge[.., 0] = tensor(1f);
        using var shiftedEdge = new ImageAugmenter(new ImageAugmentationOptions { Shift = 1 }, Image).Apply(edge, new Generator(2));
        shiftedEdge.sum().item<float>().Should().BeLessThan(50, "a corner pixel shifted up or left leaves the image and zeros come in");
    }

    [Fact]
    public void A_flip_mirrors_about_half_of_the_images_left_to_right()
    {
        using var batch = arange(36, dtype: ScalarType.Float32).repeat(400, 1);
        using var flipped = new ImageAugmenter(new ImageAugmentationOptions { HorizontalFlip = true }, Image).Apply(batch, new Generator(3));

        using var mirrored = batch.view(400, 1, 6, 6).flip(3).reshape(400, 36);
        var same = flipped.eq(batch).all(1);
        var mirror = flipped.eq(mirrored).all(1);
        (same | mirror).all().item<bool>().Should().BeTrue("each image is either left alone or mirrored");
        mirror.sum().item<long>().Should().BeInRange(160, 240);
    }

    [Fact]
    public void Erasing_zeroes_one_rectangle_of_at_most_a_third_of_the_image_in_the_chosen_share_of_images()
    {
        using var batch = ones(1000, 36);
        using var erased = new ImageAugmenter(new ImageAugmentationOptions { Erasing = 0.5 }, Image).Apply(batch, new Generator(4));

        var zeroed = (1 - erased).sum(1);
        var touched = zeroed.gt(0);
        touched.sum().item<long>().Should().BeInRange(430, 570);
        zeroed.max().item<float>().Should().BeLessThanOrEqualTo(0.33f * 36 * 1.5f, "the area is 2-33% of the image, rounded to whole rows and columns");
        // A rectangle: the zeroed pixels of an image span exactly (rows x columns) of its bounding box.
        var first = erased[touched.nonzero()[0, 0]].view(6, 6).eq(0);
        var rows = first.any(1).sum().item<long>();
        var columns = first.any(0).sum().item<long>();
        first.sum().item<long>().Should().Be(rows * columns);
    }

    [Fact]
    public void The_same_seed_gives_the_same_changes_and_another_seed_other_ones()
    {
        var options = new ImageAugmentationOptions { Shift = 2, HorizontalFlip = true, Erasing = 0.5 };
        using var batch = rand(64, 36, generator: new Generator(5));

        using var a = new ImageAugmenter(options, Image).Apply(batch, new Generator(7));
        using var b = new ImageAugmenter(options, Image).Apply(batch, new Generator(7));
        using var c = new ImageAugmenter(options, Image).Apply(batch, new Generator(8));

        a.allclose(b, 0, 0).Should().BeTrue();
        a.allclose(c, 0, 0).Should().BeFalse();
        batch.allclose(rand(64, 36, generator: new Generator(5)), 0, 0).Should().BeTrue("the input is never changed in place");
    }

    [Fact]
    public void Crops_and_rotations_resample_the_image_and_none_of_them_is_the_identity()
    {
        using var batch = rand(32, 36, generator: new Generator(6));
        using var same = new ImageAugmenter(new ImageAugmentationOptions { Crop = 1, Rotation = 0 }, Image).Apply(batch, new Generator(1));
        using var changed = new ImageAugmenter(new ImageAugmentationOptions { Crop = 0.5, Rotation = 20 }, Image).Apply(batch, new Generator(1));
        using var bright = new ImageAugmenter(new ImageAugmentationOptions { Brightness = 0.4 }, Image).Apply(batch, new Generator(1));

        same.allclose(batch, 0, 0).Should().BeTrue("no option switched on changes nothing");
        changed.shape.Should().Equal(32, 36);
        (changed - batch).abs().sum(1).gt(1e-3).all().item<bool>().Should().BeTrue("every image is cropped or rotated differently");
        changed.isfinite().all().item<bool>().Should().BeTrue();
        var factors = (bright.sum(1) / batch.sum(1)).data<float>().ToArray();
        factors.Should().OnlyContain(f => f >= 0.6f - 1e-5f && f <= 1.4f + 1e-5f);
        factors.Distinct().Should().HaveCountGreaterThan(20);
    }

    [Fact]
    public void Bad_options_are_reported_by_field()
    {
        new ImageAugmentationOptions { Crop = 0, Rotation = 200, Brightness = 1, Shift = -2, Erasing = 1.5 }.Problems().Select(p => p.Path)
            .Should().BeEquivalentTo("crop", "rotation", "brightness", "shift", "erasing");
    }
}
