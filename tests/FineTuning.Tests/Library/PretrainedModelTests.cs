using Pretrain.FineTuning.Library;
using Pretrain.FineTuning.Training;
using Pretrain.Pretraining;
using Pretrain.Pretraining.Layers;
using Pretrain.Pretraining.Stacks;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Tests.Library;

public sealed class PretrainedModelTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pretrained-model-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string SaveStack()
    {
        using var g = new Generator(4);
        using var stack = new PretrainedStack([8]);
        stack.Add(new PretrainedLayer("autoencoder", randn([12, 8], generator: g), zeros([12]), EncoderActivation.Sigmoid));
        stack.Add(new PretrainedLayer("autoencoder", randn([6, 12], generator: g), zeros([6]), EncoderActivation.Sigmoid));
        var folder = Path.Combine(_folder, "stack");
        StackStore.Save(stack, folder);
        return folder;
    }

    // Two classes separated along the first feature.
    private static (Tensor X, Tensor Y) Data(int count, int seed)
    {
        using var g = new Generator((ulong)seed);
        var y = randint(0, 2, [count], generator: g);
        var x = randn([count, 8], generator: g);
        x[TensorIndex.Colon, 0] += (y.to(ScalarType.Float32) * 2 - 1) * 3;
        return (x, y);
    }

    [Fact]
    public void Loads_a_stack_builds_a_classifier_freezes_and_fine_tunes_on_caller_tensors()
    {
        using var model = PretrainedModel.Load(SaveStack(), device: "cpu", seed: 1);
        using var network = model.CreateClassifier(classCount: 2);
        var state = network.state_dict();
        state["hidden1.weight"].allclose(model.Stack.Layers[0].Weight).Should().BeTrue("the classifier starts from the pretrained weights");

        PretrainedModel.Freeze(network, layers: 1).Should().Equal("hidden1");
        using var frozenBefore = state["hidden1.weight"].clone();
        using var upperBefore = state["hidden2.weight"].clone();
        var (x, y) = Data(400, 1);
        var (vx, vy) = Data(200, 2);
        var history = model.FineTune(network, x, y, vx, vy, new SupervisedTrainingOptions { Epochs = 15, BatchSize = 32, LearningRate = 0.01 });

        history.Epochs.Should().NotBeEmpty();
        state["hidden1.weight"].equal(frozenBefore).all().item<bool>().Should().BeTrue("frozen layers do not change");
        state["hidden2.weight"].equal(upperBefore).all().item<bool>().Should().BeFalse("unfrozen layers train");
        var (tx, ty) = Data(500, 3);
        model.Evaluate(network, tx, ty).Accuracy.Should().BeGreaterThan(0.9);
        foreach (var t in new[] { x, y, vx, vy, tx, ty })
            t.Dispose();
    }

    [Fact]
    public void Tensors_of_the_wrong_shape_or_type_get_errors_that_name_them()
    {
        using var model = PretrainedModel.Load(SaveStack(), device: "cpu");
        using var network = model.CreateClassifier(3, reuseLayers: 1, extraLayers: [5]);
        using var wide = zeros([10, 9]);
        using var labels = zeros([10], ScalarType.Int64);
        using var floatLabels = zeros([10]);
        using var x = zeros([10, 8]);
        FluentActions.Invoking(() => model.FineTune(network, wide, labels)).Should().Throw<PretrainException>().WithMessage("training tensor x*[N, 8]*[10, 9]*");
        FluentActions.Invoking(() => model.Evaluate(network, x, floatLabels)).Should().Throw<PretrainException>().WithMessage("evaluation tensor y*int64*Float32*");
        FluentActions.Invoking(() => PretrainedModel.Load(Path.Combine(_folder, "missing"))).Should().Throw<PretrainException>();
    }
}
