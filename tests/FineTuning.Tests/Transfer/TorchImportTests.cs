using Pretrain.FineTuning.Catalog;
using Pretrain.FineTuning.Export;
using Pretrain.FineTuning.Models;
using Pretrain.FineTuning.Networks;
using Pretrain.FineTuning.Transfer;
using Pretrain.Pretraining;
using Pretrain.Pretraining.Data;
using Pretrain.FineTuning.Tests.Export;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Tests.Transfer;

/// <summary>Networks imported from files PyTorch wrote (Fixtures/make_torch_fixtures.py) give PyTorch's outputs.</summary>
public sealed class TorchImportTests : IDisposable
{
    private static readonly string Fixtures = Path.Combine(AppContext.BaseDirectory, "Fixtures");
    private readonly string _folder = Directory.CreateTempSubdirectory("torch-import-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private ModelCatalog Catalog => new(Path.Combine(_folder, "catalog"));

    private static string Fixture(string name) => Path.Combine(Fixtures, name);

    /// <summary>The catalog network's logits on PyTorch's inputs, and PyTorch's logits.</summary>
    private (Tensor Actual, Tensor Expected) Outputs(string name, string io)
    {
        var arrays = NpzReader.Read(Fixture(io));
        using var x = arrays["x"].ToFloatTensor();
        using var network = SavedNetwork.Load(Catalog.PathOf(name));
        using var _ = no_grad();
        return (network.Module.forward(network.Scale(x)), arrays["logits"].ToFloatTensor());
    }

    [Fact]
    public void A_pytorch_sequential_relu_mlp_imported_from_safetensors_gives_pytorchs_logits()
    {
        var mappings = NameMappingRules.Parse([@"0\.(weight|bias)=hidden1.$1", @"2\.(weight|bias)=hidden2.$1", @"4\.(weight|bias)=head.$1"]);

        var report = NetworkImporter.Import(Fixture("torch_relu_mlp.safetensors"), mappings, Catalog, "torch-relu", new ImportOptions { Classes = ["a", "b", "c"] });

        report.Complete.Should().BeTrue();
        report.Matched.Select(m => m.Target).Should().BeEquivalentTo("hidden1.weight", "hidden1.bias", "hidden2.weight", "hidden2.bias", "head.weight", "head.bias");
        report.Skipped.Should().BeEmpty();
        using var network = SavedNetwork.Load(Catalog.PathOf("torch-relu"));
        network.Spec.Should().BeEquivalentTo(new MlpSpec(6, [8, 5], 3, ActivationKind.Relu));
        network.ClassNames.Should().Equal("a", "b", "c");
        var (actual, expected) = Outputs("torch-relu", "torch_relu_mlp_io.npz");
        actual.allclose(expected, rtol: 1e-5, atol: 1e-5).Should().BeTrue($"largest difference {(actual - expected).abs().max().item<float>()}");
    }

    [Fact]
    public void Batch_norm_elu_weights_stored_in_out_in_npz_import_through_a_mapping_file_and_give_pytorchs_logits()
    {
        var mappings = NameMappingRules.Parse([Fixture("torch_bn_elu.map.json")]);

        var report = NetworkImporter.Import(Fixture("torch_bn_elu.npz"), mappings, Catalog, "torch-bn-elu",
            new ImportOptions { Activation = ActivationKind.Elu, ActivationAlpha = 0.5 });

        report.Skipped.Select(s => s.Source).Should().Equal("optimizer/step");
        report.Matched.Should().Contain(m => m.Source == "layers/fc1/kernel" && m.Target == "hidden1.weight" && m.Shape.SequenceEqual(new long[] { 7, 6 }));
        report.Matched.Should().Contain(m => m.Target == "bn2.running_var");
        var (actual, expected) = Outputs("torch-bn-elu", "torch_bn_elu_io.npz");
        actual.allclose(expected, rtol: 1e-5, atol: 1e-5).Should().BeTrue($"largest difference {(actual - expected).abs().max().item<float>()}");
        Catalog.Get("torch-bn-elu").Task.Should().Contain("7-6-4-3 elu batch-norm");
    }

    private static readonly IReadOnlyList<NameMapping> CnnMappings = NameMappingRules.Parse(
        [@"conv(\d)\.(.*)=hidden$1.$2", @"fc\.(.*)=hidden3.$1", @"out\.(.*)=head.$1", @"(bn\d\..*)=$1"]);

    private static readonly ImportOptions CnnOptions = new()
    {
        InputShape = [2, 8, 8],
        Convolutions = [ImportedConvolution.Parse("padding=1,pool=2"), ImportedConvolution.Parse("stride=2, padding=1")],
    };

    [Fact]
    public void A_pytorch_cnn_imported_with_its_image_shape_and_strides_gives_pytorchs_logits_and_so_does_its_onnx_export()
    {
        var report = NetworkImporter.Import(Fixture("torch_cnn.safetensors"), CnnMappings, Catalog, "torch-cnn", CnnOptions);

        report.Matched.Should().Contain(m => m.Source == "conv1.weight" && m.Target == "hidden1.weight" && m.Shape.SequenceEqual(new long[] { 4, 2, 3, 3 }));
        report.Missing.Should().BeEmpty();
        using (var network = SavedNetwork.Load(Catalog.PathOf("torch-cnn")))
        {
            network.Manifest.Architecture.Kind.Should().Be("cnn");
            network.Spec.ConvolutionShapes().Should().BeEquivalentTo(new[] { new long[] { 4, 4, 4 }, [3, 2, 2] }, o => o.WithStrictOrdering());
        }
        Catalog.Get("torch-cnn").Task.Should().Contain("2x8x8-conv4-conv3-6-3 relu batch-norm");
        var (actual, expected) = Outputs("torch-cnn", "torch_cnn_io.npz");
        actual.allclose(expected, rtol: 1e-5, atol: 1e-5).Should().BeTrue($"largest difference {(actual - expected).abs().max().item<float>()}");

        var onnx = Path.Combine(_folder, "torch-cnn.onnx");
        NetworkExporter.Export(Catalog.PathOf("torch-cnn"), ExportFormat.Onnx, onnx);
        using var x = NpzReader.Read(Fixture("torch_cnn_io.npz"))["x"].ToFloatTensor();
        using var logits = OnnxRunner.Run(onnx, x)["logits"];
        logits.allclose(expected, rtol: 1e-5, atol: 1e-5).Should().BeTrue($"largest difference {(logits - expected).abs().max().item<float>()}");
    }

    [Fact]
    public void A_cnn_without_its_image_shape_or_with_the_wrong_strides_is_refused_naming_what_to_give()
    {
        FluentActions.Invoking(() => NetworkImporter.Import(Fixture("torch_cnn.safetensors"), CnnMappings, Catalog, "bad", CnnOptions with { InputShape = null }))
            .Should().Throw<PretrainException>().WithMessage("--input-shape: hidden1.weight [4, 2, 3, 3] takes images of 2 channels; give their shape C,H,W (e.g. 2,28,28), received [].");
        FluentActions.Invoking(() => NetworkImporter.Import(Fixture("torch_cnn.safetensors"), CnnMappings, Catalog, "bad", CnnOptions with { Convolutions = null }))
            .Should().Throw<PretrainException>().WithMessage("*hidden3.weight takes 12 inputs but the convolutions give 48 (images [3, 4, 4] flattened); check --input-shape and --conv.");
        FluentActions.Invoking(() => NetworkImporter.Import(Fixture("torch_cnn.safetensors"), CnnMappings, Catalog, "bad", CnnOptions with { InputShape = [2, 1, 1] }))
            .Should().Throw<PretrainException>().WithMessage("*hidden1: pool 2 does not fit the 1x1 feature map that kernel 3 leaves of a 1x1 input; check --input-shape and --conv.");
        FluentActions.Invoking(() => ImportedConvolution.Parse("stride=0")).Should().Throw<PretrainException>().WithMessage("--conv: expected stride=S,padding=P,pool=K*received 'stride=0'.");
        ImportedConvolution.Parse("pool=3, stride=2").Should().Be(new ImportedConvolution(Stride: 2, PoolSize: 3));
        Catalog.List().Should().BeEmpty();
    }

    [Fact]
    public void The_same_weights_with_the_wrong_activation_do_not_give_pytorchs_logits()
    {
        // The equivalence tests above can fail: the activation is the one thing the file does not say.
        var mappings = NameMappingRules.Parse([Fixture("torch_bn_elu.map.json")]);
        NetworkImporter.Import(Fixture("torch_bn_elu.npz"), mappings, Catalog, "torch-wrong", new ImportOptions { Activation = ActivationKind.Elu });
        var (actual, expected) = Outputs("torch-wrong", "torch_bn_elu_io.npz");
        actual.allclose(expected, rtol: 1e-3, atol: 1e-3).Should().BeFalse();
    }

    [Fact]
    public void A_wrong_layout_and_an_unmapped_layer_are_refused_with_the_report_and_nothing_is_added()
    {
        var transposed = NameMappingRules.Parse([@"0\.(.*)=hidden1.$1", @"2\.(.*)=hidden2.$1", @"4\.(.*)=head.$1"], WeightLayout.InOut);
        FluentActions.Invoking(() => NetworkImporter.Import(Fixture("torch_relu_mlp.safetensors"), transposed, Catalog, "bad"))
            .Should().Throw<PretrainException>().WithMessage("*hidden2.weight takes 5 inputs but hidden1.weight gives 6 outputs*check the mappings' layout*");

        var noBias = NameMappingRules.Parse([@"0\.weight=hidden1.weight", @"2\.(.*)=hidden2.$1", @"4\.(.*)=head.$1"]);
        var refused = FluentActions.Invoking(() => NetworkImporter.Import(Fixture("torch_relu_mlp.safetensors"), noBias, Catalog, "bad"))
            .Should().Throw<ImportException>().Which;
        refused.Report.Missing.Should().Equal("hidden1.bias");
        refused.Report.Skipped.Select(s => s.Source).Should().Equal("0.bias");
        refused.Report.ToString().Should().Contain("missing     hidden1.bias").And.Contain("skipped     0.bias [8]");

        var extra = NameMappingRules.Parse([@"0\.(.*)=hidden1.$1", @"2\.(.*)=hidden2.$1", @"4\.(.*)=head.$1", @"(.*)=hidden1.scale"]);
        NetworkImporter.Import(Fixture("torch_relu_mlp.safetensors"), extra, Catalog, "fine").Complete.Should().BeTrue("rules are tried in order");
        Catalog.List().Select(e => e.Name).Should().Equal("fine");
    }

    [Fact]
    public void Malformed_rules_are_refused_with_what_was_expected()
    {
        FluentActions.Invoking(() => NameMappingRules.Parse(["no-equals-sign"])).Should().Throw<PretrainException>().WithMessage("--map: expected SOURCE=TARGET*received 'no-equals-sign'.");
        FluentActions.Invoking(() => NameMappingRules.Parse(["fc(=hidden1.weight"])).Should().Throw<PretrainException>().WithMessage("--map: 'fc(' is not a valid regular expression*");
        var file = Path.Combine(_folder, "rules.json");
        File.WriteAllText(file, """[{ "source": "a", "target": "b", "layout": "sideways" }]""");
        FluentActions.Invoking(() => NameMappingRules.Parse([file])).Should().Throw<DataException>().WithMessage($"{file}: expected a JSON array*");
    }
}
