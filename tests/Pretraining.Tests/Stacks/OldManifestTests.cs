using Pretrain.Pretraining.Layers;
using Pretrain.Pretraining.Stacks;
using Pretrain.Pretraining.Tests.Support;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Tests.Stacks;

/// <summary>Stacks saved before layers carried shapes (format version 1, dense layers only) still load.</summary>
public sealed class OldManifestTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pretrain-old-stack-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void A_dense_stack_written_with_the_version_1_manifest_loads_and_encodes_as_before()
    {
        using var generator = new Generator(12);
        using var stack = new PretrainedStack([2, 3]);
        stack.Add(new PretrainedLayer("autoencoder", randn([4, 6], generator: generator), randn([4], generator: generator), EncoderActivation.Sigmoid,
            new Dictionary<string, Tensor> { ["decoder.weight"] = randn([6, 4], generator: generator), ["decoder.bias"] = randn([6], generator: generator) }));
        stack.Add(new PretrainedLayer("rbm", randn([3, 4], generator: generator), randn([3], generator: generator), EncoderActivation.Sigmoid,
            new Dictionary<string, Tensor> { ["visible.bias"] = randn([4], generator: generator) }));
        StackStore.Save(stack, _folder);
        var saved = StackStore.ReadManifest(_folder);
        // The manifest exactly as Pretrain wrote it before this format had shapes and convolutions.
        File.WriteAllText(Path.Combine(_folder, StackStore.ManifestFileName), $$"""
            {
              "format": "pretrain-stack",
              "version": 1,
              "inputShape": [2, 3],
              "inputFeatures": 6,
              "layers": [
                {
                  "name": "layer1", "kind": "autoencoder", "inputSize": 6, "outputSize": 4, "activation": "sigmoid",
                  "file": "layer1.safetensors", "sha256": "{{saved.Layers[0].Sha256}}",
                  "settings": { "kind": "autoencoder", "hiddenUnits": 4 }, "metrics": { "validationReconstruction": 1.5 }
                },
                {
                  "name": "layer2", "kind": "rbm", "inputSize": 4, "outputSize": 3, "activation": "sigmoid",
                  "file": "layer2.safetensors", "sha256": "{{saved.Layers[1].Sha256}}", "metrics": {}
                }
              ],
              "created": "2026-11-20T10:00:00+00:00",
              "writtenBy": "Pretrain 1.0.0.0"
            }
            """);

        using var loaded = StackStore.Load(_folder);

        loaded.Layers.Select(l => l.Convolution).Should().AllSatisfy(c => c.Should().BeNull());
        loaded.Layers[0].InputShape.Should().Equal(6);
        loaded.Layers[1].OutputShape.Should().Equal(3);
        loaded.Layers[0].Metrics["validationReconstruction"].Should().Be(1.5);
        using var x = rand(5, 6);
        using var expected = stack.Encode(x);
        using var actual = loaded.Encode(x);
        actual.Identical(expected).Should().BeTrue();
    }

    [Fact]
    public void Dense_stacks_are_still_written_as_version_1_so_older_readers_load_them()
    {
        using var generator = new Generator(13);
        using var stack = new PretrainedStack([4]);
        stack.Add(new PretrainedLayer("autoencoder", randn([2, 4], generator: generator), randn([2], generator: generator), EncoderActivation.Tanh));
        StackStore.Save(stack, _folder);

        var manifest = StackStore.ReadManifest(_folder);

        manifest.Version.Should().Be(StackManifest.DenseVersion);
        manifest.Layers[0].Convolution.Should().BeNull();
        File.ReadAllText(Path.Combine(_folder, StackStore.ManifestFileName)).Should().NotContain("convolution");
    }
}
