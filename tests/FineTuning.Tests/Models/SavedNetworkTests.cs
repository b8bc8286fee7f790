using System.Text.Json.Nodes;
using Pretrain.FineTuning.Models;
using Pretrain.FineTuning.Networks;
using Pretrain.Pretraining;
using Pretrain.Pretraining.Data;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Tests.Models;

public sealed class SavedNetworkTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("saved-network-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Manifest => Path.Combine(_folder, "network.json");

    [Fact]
    public void A_loaded_network_scales_raw_inputs_and_gives_the_original_networks_probabilities()
    {
        using var original = SavedNetworkFiles.Save(_folder, ["cat", "dog", "bird"]);
        using var raw = randn([7, 6], generator: new Generator(9)) * 3;

        using var loaded = SavedNetwork.Load(_folder);

        loaded.ClassNames.Should().Equal("cat", "dog", "bird");
        loaded.Spec.Should().BeEquivalentTo(SavedNetworkFiles.Spec);
        loaded.Manifest.Input.Shape.Should().Equal(2, 3);
        using var expected = ManualScaleAndSoftmax(original, raw, SavedNetworkFiles.Scaling);
        using var actual = loaded.PredictProbabilities(raw);
        actual.allclose(expected, rtol: 1e-5, atol: 1e-6).Should().BeTrue("the module, its batch-norm statistics, PReLU slopes and scaling are all restored");
        actual.sum(1).allclose(ones(7)).Should().BeTrue();
    }

    [Fact]
    public void Classes_default_to_their_numbers_and_the_manifest_path_loads_too()
    {
        using var _ = SavedNetworkFiles.Save(_folder);
        using var loaded = SavedNetwork.Load(Manifest);
        loaded.ClassNames.Should().Equal("0", "1", "2");
        loaded.Manifest.Weights.Sha256.Should().MatchRegex("^[0-9a-f]{64}$");
    }

    [Fact]
    public void A_modified_weights_file_is_refused_by_its_checksum()
    {
        using var _ = SavedNetworkFiles.Save(_folder);
        var weights = Path.Combine(_folder, "network.safetensors");
        var bytes = File.ReadAllBytes(weights);
        bytes[^3] ^= 1;
        File.WriteAllBytes(weights, bytes);

        FluentActions.Invoking(() => SavedNetwork.Load(_folder)).Should().Throw<DataException>()
            .Which.Message.Should().Contain(weights).And.Contain("checksum mismatch");
    }

    [Theory]
    [InlineData("architecture.classCount", "4", "classes")]
    [InlineData("architecture.hiddenLayers", "[5, 5]", "hidden2.weight")]
    [InlineData("architecture.batchNorm", "false", "bn1")]
    [InlineData("input.shape", "[4, 2]", "input.shape")]
    [InlineData("scaling.scale", "[1, 0]", "scaling.scale")]
    [InlineData("format", "\"pretrain-stack\"", "format")]
    [InlineData("version", "3", "version")]
    [InlineData("weights.file", "\"../network.safetensors\"", "weights.file")]
    [InlineData("architecture.hiddenLayers", "[2147483647, 2147483647]", "architecture")]
    public void A_manifest_that_does_not_match_its_weights_is_refused_naming_the_field_or_tensor(string field, string value, string named)
    {
        using var _ = SavedNetworkFiles.Save(_folder);
        var json = JsonNode.Parse(File.ReadAllText(Manifest))!;
        var parts = field.Split('.');
        var parent = parts[..^1].Aggregate(json, (node, part) => node[part]!);
        parent[parts[^1]] = JsonNode.Parse(value);
        File.WriteAllText(Manifest, json.ToJsonString());

        FluentActions.Invoking(() => SavedNetwork.Load(_folder)).Should().Throw<DataException>()
            .Which.Message.Should().Contain("network").And.Contain(named);
    }

    [Theory]
    [InlineData("kernel", "9", "architecture.convolutions: hidden1: kernel 9 with padding 1 does not fit a 6x6 input")]
    [InlineData("channels", "0", "architecture.convolutions[0]")]
    [InlineData("poolSize", "7", "architecture.convolutions: hidden1: pool 7 does not fit")]
    public void A_saved_CNN_loads_alone_and_a_manifest_whose_convolutions_do_not_fit_is_refused(string field, string value, string named)
    {
        var spec = new MlpSpec(36, [5], 3, ActivationKind.Relu)
        {
            ImageShape = [1, 6, 6], BatchNorm = true,
            Convolutions = [new ConvLayerSpec(2, new Pretraining.Layers.ConvolutionGeometry(3, Padding: 1, PoolSize: 2))],
        };
        using var network = MlpBuilder.Build(spec, seed: 4);
        network.eval();
        SavedNetworkWriter.Save(network, spec, [6, 6], new ScalerState("none", [0f], [1f]), null, Path.Combine(_folder, "network.safetensors"));
        using var raw = rand([4, 36], generator: new Generator(2));
        using (var loaded = SavedNetwork.Load(_folder))
        using (var expected = network.forward(raw).softmax(1))
        using (var actual = loaded.PredictProbabilities(raw))
        {
            loaded.Spec.Convolutions.Should().ContainSingle().Which.Geometry.PoolSize.Should().Be(2);
            actual.allclose(expected, rtol: 1e-5, atol: 1e-6).Should().BeTrue("the convolution, its batch norm and pooling are rebuilt from network.json");
        }

        var json = JsonNode.Parse(File.ReadAllText(Manifest))!;
        json["architecture"]!["convolutions"]![0]![field] = JsonNode.Parse(value);
        File.WriteAllText(Manifest, json.ToJsonString());
        FluentActions.Invoking(() => SavedNetwork.Load(_folder)).Should().Throw<DataException>().Which.Message.Should().Contain(named);
    }

    [Fact]
    public void Inputs_of_the_wrong_width_are_refused_with_the_expected_shape()
    {
        using var _ = SavedNetworkFiles.Save(_folder);
        using var loaded = SavedNetwork.Load(_folder);
        using var wrong = zeros(2, 5);
        FluentActions.Invoking(() => loaded.PredictProbabilities(wrong)).Should().Throw<PretrainException>()
            .Which.Message.Should().Contain("[N, 6]").And.Contain("[2, 3]");
    }

    private static Tensor ManualScaleAndSoftmax(TorchSharp.Modules.Sequential network, Tensor raw, ScalerState scaling)
    {
        using var scope = NewDisposeScope();
        using var __ = no_grad();
        var scaled = (raw - tensor(scaling.Offset.ToArray())) / tensor(scaling.Scale.ToArray());
        network.eval();
        return network.forward(scaled).softmax(1).MoveToOuterDisposeScope();
    }
}
