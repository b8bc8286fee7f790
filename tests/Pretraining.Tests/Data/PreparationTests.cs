using Pretrain.Pretraining.Data;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Tests.Data;

public sealed class PreparationTests
{
    private static Dataset Labeled(int perClass, int classes = 3)
    {
        var labels = arange(classes, dtype: ScalarType.Int64).repeat_interleave(perClass);
        var features = arange(classes * perClass, dtype: ScalarType.Float32).unsqueeze(1).repeat(1, 2);
        return new Dataset(features, labels, [2], "toy", classes);
    }

    [Fact]
    public void Standardization_uses_training_statistics_only_and_round_trips_through_its_state()
    {
        using var train = new Dataset(tensor(new float[,] { { 0, 10 }, { 2, 10 } }), null, [2], "train");
        using var test = new Dataset(tensor(new float[,] { { 4, 10 } }), null, [2], "test");
        var scaler = new Standardizer();
        scaler.Fit(train);
        scaler.State.Offset.Should().Equal(1f, 10f);
        scaler.State.Scale[0].Should().Be(1f);
        scaler.State.Scale[1].Should().Be(1e-6f, "a constant feature keeps the floor");
        using var scaled = scaler.Transform(test);
        scaled.Features[0, 0].item<float>().Should().Be(3f, "(4 - train mean 1) / train std 1");
        using var again = FeatureScaler.FromState(scaler.State).Transform(test);
        again.Features.equal(scaled.Features).all().item<bool>().Should().BeTrue();
    }

    [Fact]
    public void Unit_scaling_divides_pixels_by_255_or_uses_training_min_and_max()
    {
        using var pixels = new Dataset(tensor(new float[,] { { 0, 255 } }), null, [2], "px");
        var fixedScaler = new UnitRangeScaler(255f);
        fixedScaler.Fit(pixels);
        using var scaled = fixedScaler.Transform(pixels);
        scaled.Features.data<float>().ToArray().Should().Equal(0f, 1f);

        using var train = new Dataset(tensor(new float[,] { { 2, 5 }, { 4, 5 } }), null, [2], "t");
        var fitted = new UnitRangeScaler();
        fitted.Fit(train);
        using var out1 = fitted.Transform(train);
        out1.Features.data<float>().ToArray().Should().Equal(0f, 0f, 1f, 0f);
    }

    [Fact]
    public void A_labeled_subset_has_exactly_n_per_class_and_depends_only_on_the_seed()
    {
        using var data = Labeled(20);
        using var a = DataSplits.LabeledSubset(data, 5, seed: 1);
        using var b = DataSplits.LabeledSubset(data, 5, seed: 1);
        using var c = DataSplits.LabeledSubset(data, 5, seed: 2);
        a.Labels!.bincount(null, 3).data<long>().ToArray().Should().Equal(5, 5, 5);
        a.Features.equal(b.Features).all().item<bool>().Should().BeTrue();
        a.Features.equal(c.Features).all().item<bool>().Should().BeFalse();
        var tooMany = () => DataSplits.LabeledSubset(data, 21, seed: 1);
        tooMany.Should().Throw<PretrainException>().WithMessage("toy: class 0 has only 20 examples, fewer than the 21 per class asked for.");
    }

    [Fact]
    public void A_validation_split_partitions_the_data()
    {
        using var data = Labeled(10);
        var (train, validation) = DataSplits.ValidationSplit(data, 0.2, seed: 3);
        using (train)
        using (validation)
        {
            validation.Count.Should().Be(6);
            train.Count.Should().Be(24);
            var all = train.Features[.., 0].data<float>().ToArray().Concat(validation.Features[.., 0].data<float>().ToArray());
            all.Order().Should().Equal(Enumerable.Range(0, 30).Select(i => (float)i));
        }
    }
}
