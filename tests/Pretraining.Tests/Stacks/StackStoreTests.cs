using System.Text.Json;
using Pretrain.Pretraining.Layers;
using Pretrain.Pretraining.Stacks;
using Pretrain.Pretraining.Tests.Support;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Tests.Stacks;

public sealed class StackStoreTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pretrain-stack-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static PretrainedStack TwoLayers()
    {
        using var generator = new Generator(11);
        var stack = new PretrainedStack([2, 3], JsonDocument.Parse("""{"kind":"unit","scale":255}""").RootElement.Clone());
        stack.Add(new PretrainedLayer("autoencoder", randn([4, 6], generator: generator), randn([4], generator: generator), EncoderActivation.Sigmoid,
            new Dictionary<string, Tensor> { ["decoder.weight"] = randn([6, 4], generator: generator), ["decoder.bias"] = randn([6], generator: generator) },
            new Dictionary<string, double> { ["validationReconstruction"] = 1.25 }), JsonDocument.Parse("""{"hiddenUnits":4}""").RootElement.Clone());
        stack.Add(new PretrainedLayer("rbm", randn([3, 4], generator: generator), randn([3], generator: generator), EncoderActivation.Sigmoid,
            new Dictionary<string, Tensor> { ["visible.bias"] = randn([4], generator: generator) }));
        return stack;
    }

    [Fact]
    public void Save_then_load_round_trips_bit_for_bit()
    {
        using var stack = TwoLayers();
        StackStore.Save(stack, _folder);
        using var loaded = StackStore.Load(_folder);

        loaded.InputShape.Should().Equal(2, 3);
        loaded.Normalization!.Value.GetProperty("scale").GetInt32().Should().Be(255);
        loaded.Layers.Should().HaveCount(2);
        for (var i = 0; i < 2; i++)
        {
            loaded.Layers[i].Kind.Should().Be(stack.Layers[i].Kind);
            loaded.Layers[i].Weight.Identical(stack.Layers[i].Weight).Should().BeTrue();
            loaded.Layers[i].Bias.Identical(stack.Layers[i].Bias).Should().BeTrue();
            loaded.Layers[i].Extras.Keys.Should().BeEquivalentTo(stack.Layers[i].Extras.Keys);
            foreach (var (name, tensor) in stack.Layers[i].Extras)
                loaded.Layers[i].Extras[name].Identical(tensor).Should().BeTrue();
        }
        loaded.Layers[0].Metrics["validationReconstruction"].Should().Be(1.25);
        loaded.Settings[0]!.Value.GetProperty("hiddenUnits").GetInt32().Should().Be(4);
        using var x = rand(5, 6);
        loaded.Encode(x).Identical(stack.Encode(x)).Should().BeTrue();
    }

    [Fact]
    public void A_modified_weights_file_fails_its_checksum()
    {
        using (var stack = TwoLayers())
            StackStore.Save(stack, _folder);
        var file = Path.Combine(_folder, "layer2.safetensors");
        var bytes = File.ReadAllBytes(file);
        bytes[^1] ^= 0xFF;
        File.WriteAllBytes(file, bytes);

        var act = () => StackStore.Load(_folder);
        act.Should().Throw<DataException>().WithMessage("*layer2.safetensors*checksum mismatch*");
    }

    [Fact]
    public void A_manifest_whose_shapes_disagree_with_the_weights_is_refused()
    {
        using (var stack = TwoLayers())
            StackStore.Save(stack, _folder);
        var manifest = Path.Combine(_folder, "stack.json");
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace("\"inputFeatures\": 6", "\"inputFeatures\": 7", StringComparison.Ordinal));
        var act = () => StackStore.Load(_folder);
        act.Should().Throw<DataException>().WithMessage("*stack.json*inputShape [2, 3] does not match inputFeatures 7*");
    }

    [Fact]
    public void A_missing_folder_or_foreign_manifest_is_named()
    {
        var missing = () => StackStore.Load(Path.Combine(_folder, "nope"));
        missing.Should().Throw<DataException>().WithMessage("*nope*stack folder not found*");
        File.WriteAllText(Path.Combine(_folder, "stack.json"), """{"format":"something-else"}""");
        var foreign = () => StackStore.Load(_folder);
        foreign.Should().Throw<DataException>().WithMessage("*format: expected 'pretrain-stack'*");
    }

    [Fact]
    public void The_stack_becomes_a_trainable_sequential_module_with_the_same_outputs()
    {
        using var stack = TwoLayers();
        using var module = stack.ToSequential();
        using var x = rand(5, 6);
        using var viaModule = module.forward(x);
        using var viaStack = stack.Encode(x);
        viaModule.allclose(viaStack, rtol: 1e-6, atol: 1e-6).Should().BeTrue();
        module.parameters().Should().OnlyContain(p => p.requires_grad);
        module.named_children().Select(c => c.name).Should().Equal("hidden1", "act1", "hidden2", "act2");
    }
}
