using System.Text.Json;
using Pretrain.FineTuning.Export;
using Pretrain.FineTuning.Models;
using Pretrain.FineTuning.Networks;
using Pretrain.FineTuning.Tests.Models;
using Pretrain.FineTuning.Transfer;
using Pretrain.Pretraining.Data;
using Pretrain.Pretraining.IO;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Tests.Export;

public sealed class WeightExportTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("weight-export-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Safetensors_export_holds_every_tensor_of_the_state_and_what_predict_needs_besides()
    {
        using var original = SavedNetworkFiles.Save(_folder, ["cat", "dog", "bird"]);
        var file = Path.Combine(_folder, "out.safetensors");

        NetworkExporter.Export(_folder, ExportFormat.SafeTensors, file);

        using var content = SafeTensorsFile.Read(file);
        var state = original.state_dict();
        content.Tensors.Keys.Should().BeEquivalentTo(state.Keys);
        foreach (var (name, tensor) in state)
            content.Tensors[name].equal(tensor).all().item<bool>().Should().BeTrue(name);
        JsonSerializer.Deserialize<string[]>(content.Metadata["classes"]).Should().Equal("cat", "dog", "bird");
        JsonSerializer.Deserialize<ScalerState>(content.Metadata["scaling"], NetworkManifest.SerializerOptions)!.Scale.Should().Equal(SavedNetworkFiles.Scaling.Scale);
        content.Metadata["layout"].Should().Be("out,in");
    }

    [Fact]
    public void Npz_export_round_trips_through_the_npz_reader_into_a_network_that_predicts_the_same()
    {
        using var original = SavedNetworkFiles.Save(_folder);
        var file = Path.Combine(_folder, "out.npz");

        NetworkExporter.Export(_folder, ExportFormat.Npz, file);

        var arrays = NpzReader.Read(file);
        arrays.Keys.Should().BeEquivalentTo(original.state_dict().Keys);
        using var copy = MlpBuilder.Build(SavedNetworkFiles.Spec, seed: 99);
        WeightTransfer.Import(copy, file, [NameMapping.Identity]);
        copy.eval();
        using var x = randn([5, 6], generator: new Generator(8));
        using var expected = original.forward(x);
        using var actual = copy.forward(x);
        actual.equal(expected).all().item<bool>().Should().BeTrue();
    }

    [Fact]
    public void A_cnn_exports_its_kernels_in_pytorchs_names_and_shapes_and_npz_round_trips_to_the_same_predictions()
    {
        var spec = new MlpSpec(2 * 6 * 6, [5], 3, ActivationKind.Relu)
        {
            ImageShape = [2, 6, 6], BatchNorm = true,
            Convolutions = [new ConvLayerSpec(4, new Pretrain.Pretraining.Layers.ConvolutionGeometry(3, Padding: 1, PoolSize: 2))],
        };
        RandomNetwork.Save(_folder, spec, RandomNetwork.Standardize(spec.InputFeatures), spec.ImageShape);
        var (safetensors, npz) = (Path.Combine(_folder, "cnn.safetensors"), Path.Combine(_folder, "cnn.npz"));

        NetworkExporter.Export(_folder, ExportFormat.SafeTensors, safetensors);
        NetworkExporter.Export(_folder, ExportFormat.Npz, npz);

        using var saved = SavedNetwork.Load(_folder);
        using (var content = SafeTensorsFile.Read(safetensors))
        {
            // nn.Conv2d's and nn.BatchNorm2d's names and shapes, so PyTorch's load_state_dict takes them as they are.
            content.Tensors["hidden1.weight"].shape.Should().Equal(4, 2, 3, 3);
            content.Tensors["hidden1.bias"].shape.Should().Equal(4);
            content.Tensors["bn1.running_var"].shape.Should().Equal(4);
            content.Tensors["hidden2.weight"].shape.Should().Equal(5, 4 * 3 * 3);
            content.Tensors.Keys.Should().BeEquivalentTo(saved.Module.state_dict().Keys);
            JsonDocument.Parse(content.Metadata["architecture"]).RootElement.GetProperty("kind").GetString().Should().Be("cnn");
        }
        NpzReader.Read(npz)["hidden1.weight"].Shape.Should().Equal(4, 2, 3, 3);
        using var copy = MlpBuilder.Build(spec, seed: 99);
        WeightTransfer.Import(copy, npz, [NameMapping.Identity]);
        copy.eval();
        using var x = randn([7, spec.InputFeatures], generator: new Generator(8));
        using var expected = saved.Module.forward(x);
        using var actual = copy.forward(x);
        actual.equal(expected).all().item<bool>().Should().BeTrue();
    }
}
