using Pretrain.FineTuning.Freezing;
using Pretrain.FineTuning.Networks;
using Pretrain.FineTuning.Tests.Training;
using Pretrain.FineTuning.Training;
using Pretrain.Pretraining;
using Pretrain.Pretraining.Runtime;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Tests.Freezing;

public sealed class FreezerTests
{
    private static readonly MlpSpec Spec = new(4, [8, 8], 3, ActivationKind.Sigmoid);

    [Fact]
    public void Layers_group_by_name_lowest_first()
    {
        using var model = MlpBuilder.Build(Spec, seed: 1);
        LayerGroups.Of(model).Names.Should().Equal("hidden1", "hidden2", "head");
    }

    [Fact]
    public void Frozen_parameters_stay_bit_identical_while_unfrozen_ones_change()
    {
        using var data = Blobs.Make(20);
        using var model = MlpBuilder.Build(Spec, seed: 2);
        var groups = LayerGroups.Of(model);
        Freezer.FreezeTo(groups, 2).Should().Equal("hidden1", "hidden2");
        var before = model.state_dict().ToDictionary(p => p.Key, p => p.Value.clone());

        new SupervisedTrainer(new SupervisedTrainingOptions { Epochs = 3, BatchSize = 8 }).Fit(model, data, null, RunContext.Create(DeviceSpec.Cpu, 1));

        foreach (var (name, tensor) in model.state_dict())
        {
            var same = tensor.equal(before[name]).all().item<bool>();
            same.Should().Be(!name.StartsWith("head", StringComparison.Ordinal), $"{name} is {(name.StartsWith("head", StringComparison.Ordinal) ? "trainable" : "frozen")}");
        }
    }

    [Fact]
    public void Negative_boundaries_count_from_the_top_and_too_many_is_an_error()
    {
        using var model = MlpBuilder.Build(Spec, seed: 3);
        var groups = LayerGroups.Of(model);
        Freezer.FreezeTo(groups, -1).Should().Equal("hidden1", "hidden2");
        groups.TrainableNames.Should().Equal("head");
        Freezer.UnfreezeAll(groups);
        groups.TrainableNames.Should().Equal("hidden1", "hidden2", "head");
        var act = () => Freezer.FreezeTo(groups, 4);
        act.Should().Throw<PretrainException>().WithMessage("freeze: the network has 3 layers with weights (hidden1, hidden2, head); cannot freeze to 4.");
    }
}
