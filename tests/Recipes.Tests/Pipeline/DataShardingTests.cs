using Pretrain.Pretraining;
using Pretrain.Pretraining.Data.Shards;
using Pretrain.Recipes.Model;
using Pretrain.Recipes.Pipeline;

namespace Pretrain.Recipes.Tests.Pipeline;

/// <summary><c>pretrain data shard</c>'s conversions of recipe data sources that are streamed through their readers.</summary>
public sealed class DataShardingTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pretrain-data-sharding-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void A_csv_source_keeps_its_recipe_shape_and_labels_and_a_shape_that_does_not_fit_is_refused()
    {
        var csv = Path.Combine(_folder, "images.csv");
        File.WriteAllLines(csv, ["p0,p1,p2,p3,p4,p5,y", "0,1,2,3,4,5,1", "6,7,8,9,10,11,0", "12,13,14,15,16,17,2"]);

        var manifest = DataSharding.Write(new CsvSourceSpec { Path = csv, LabelColumn = "y", Shape = [1, 2, 3] }, Path.Combine(_folder, "shards"));

        manifest.SampleShape.Should().Equal(1, 2, 3);
        manifest.ClassCount.Should().Be(3);
        manifest.Pixels.Should().BeFalse("CSV values are scaled per feature, not as 0..255 pixels");
        using var data = ShardSet.Open(Path.Combine(_folder, "shards")).ReadAll();
        data.Labels!.data<long>().ToArray().Should().Equal(1, 0, 2);
        data.Features[2, 5].item<float>().Should().Be(17f);

        var wrong = () => DataSharding.Write(new CsvSourceSpec { Path = csv, LabelColumn = "y", Shape = [2, 2] }, Path.Combine(_folder, "never"));
        wrong.Should().Throw<PretrainException>().WithMessage("shape: [2, 2] holds 4 values but each example of *images.csv has 6.");
    }
}
