using Pretrain.Pretraining.Data;

namespace Pretrain.Pretraining.Tests.Data;

public sealed class FashionMnistTests
{
    [Theory]
    [InlineData(FashionMnistSplit.Train, 5000)]
    [InlineData(FashionMnistSplit.Test, 1000)]
    public void The_embedded_slice_loads_without_a_download(FashionMnistSplit split, int count)
    {
        using var data = EmbeddedFashionMnist.Load(split);
        data.Count.Should().Be(count);
        data.SampleShape.Should().Equal(28L, 28L);
        data.ClassCount.Should().Be(10);
        data.Features.max().item<float>().Should().BeLessThanOrEqualTo(255f);
        data.Labels!.bincount(null, 10).data<long>().ToArray().Should().OnlyContain(n => n > count / 20, "every class is represented");
    }

    [Fact]
    public void The_debian_package_loads_when_installed()
    {
        if (!File.Exists(Path.Combine(FashionMnist.DefaultDirectory, "t10k-images-idx3-ubyte.gz")))
            return; // dataset-fashion-mnist is not installed on this machine
        using var test = FashionMnist.Load(FashionMnist.DefaultDirectory, FashionMnistSplit.Test);
        test.Count.Should().Be(10000);
        test.FeatureCount.Should().Be(784);
        using var slice = EmbeddedFashionMnist.Load(FashionMnistSplit.Test);
        test.Features.narrow(0, 0, 1000).equal(slice.Features).all().item<bool>().Should().BeTrue("the slice is the first 1,000 test images");
    }

    [Fact]
    public void A_missing_folder_says_how_to_get_the_data()
    {
        var act = () => FashionMnist.Load("/no/such/folder", FashionMnistSplit.Train);
        act.Should().Throw<DataException>().WithMessage("*train-images-idx3-ubyte.gz: file not found: install Debian's package (apt-get install dataset-fashion-mnist)*");
    }
}
