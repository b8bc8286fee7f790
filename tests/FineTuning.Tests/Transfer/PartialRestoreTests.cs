using Pretrain.FineTuning.Networks;
using Pretrain.FineTuning.Transfer;
using Pretrain.Pretraining;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Tests.Transfer;

public sealed class PartialRestoreTests
{
    [Fact]
    public void Only_the_layers_matching_the_pattern_are_restored()
    {
        using var saved = MlpBuilder.Build(new MlpSpec(4, [8, 8, 8], 3, ActivationKind.Relu), seed: 1);
        using var fresh = MlpBuilder.Build(new MlpSpec(4, [8, 8, 8], 5, ActivationKind.Relu), seed: 2);
        var before = fresh.state_dict().ToDictionary(p => p.Key, p => p.Value.clone());

        var restored = PartialRestore.Restore(fresh, saved.state_dict(), "hidden[12]");

        restored.Should().Equal("hidden1.bias", "hidden1.weight", "hidden2.bias", "hidden2.weight");
        var source = saved.state_dict();
        foreach (var (name, tensor) in fresh.state_dict())
        {
            var expected = restored.Contains(name) ? source[name] : before[name];
            tensor.equal(expected).all().item<bool>().Should().BeTrue($"{name} must {(restored.Contains(name) ? "hold the saved weights" : "keep its fresh initialization")}");
        }
    }

    [Fact]
    public void A_shape_mismatch_names_the_tensor_and_both_shapes()
    {
        using var saved = MlpBuilder.Build(new MlpSpec(4, [8], 3, ActivationKind.Relu), seed: 3);
        using var other = MlpBuilder.Build(new MlpSpec(4, [6], 3, ActivationKind.Relu), seed: 4);
        var act = () => PartialRestore.Restore(other, saved.state_dict(), "hidden1");
        act.Should().Throw<PretrainException>().WithMessage("restore: tensor 'hidden1.bias' has shape [8] but the network expects [6].");
        var none = () => PartialRestore.Restore(other, saved.state_dict(), "hidden9");
        none.Should().Throw<PretrainException>().WithMessage("*no saved tensor belongs to a layer matching 'hidden9'*");
    }
}
