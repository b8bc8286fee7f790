using Pretrain.FineTuning.Export;
using Pretrain.FineTuning.Models;
using Pretrain.FineTuning.Networks;
using Pretrain.Pretraining;
using Pretrain.Pretraining.Data;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Tests.Export;

public sealed class OnnxExportTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("onnx-export-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Save(MlpSpec spec, ScalerState scaling) => RandomNetwork.Save(_folder, spec, scaling);

    private static ScalerState Standardize(int features) => RandomNetwork.Standardize(features);

    [Theory]
    [InlineData(ActivationKind.Sigmoid, false, 0.0)]
    [InlineData(ActivationKind.Tanh, true, 0.3)]
    [InlineData(ActivationKind.Relu, true, 0.0)]
    [InlineData(ActivationKind.LeakyRelu, false, 0.2)]
    [InlineData(ActivationKind.Elu, true, 0.0)]
    [InlineData(ActivationKind.Selu, false, 0.0)]
    [InlineData(ActivationKind.PRelu, true, 0.5)]
    public void Onnx_runtime_gives_the_saved_networks_logits_and_probabilities_on_raw_inputs(ActivationKind activation, bool batchNorm, double dropout)
    {
        var spec = new MlpSpec(8, [7, 5], 4, activation, dropout) { BatchNorm = batchNorm, ActivationAlpha = activation is ActivationKind.LeakyRelu or ActivationKind.Elu ? 0.3 : null };
        var model = Save(spec, Standardize(8));
        var onnx = Path.Combine(_folder, "model.onnx");

        NetworkExporter.Export(model, ExportFormat.Onnx, onnx);

        using var saved = SavedNetwork.Load(model);
        using var raw = randn([33, 8], generator: new Generator(11)) * 4 + 1;
        using var expectedLogits = saved.Module.forward(saved.Scale(raw));
        using var expectedProbabilities = saved.PredictProbabilities(raw);
        var outputs = OnnxRunner.Run(onnx, raw);
        outputs.Keys.Should().BeEquivalentTo("logits", "probabilities");
        outputs["logits"].shape.Should().Equal(33, 4);
        CloseTo(outputs["logits"], expectedLogits);
        CloseTo(outputs["probabilities"], expectedProbabilities);
        foreach (var output in outputs.Values)
            output.Dispose();
    }

    /// <summary>Within 1e-5, relative to the size of the value (float32 rounding differs between the two runtimes).</summary>
    internal static void CloseTo(Tensor actual, Tensor expected) =>
        actual.allclose(expected, rtol: 1e-5, atol: 1e-5).Should().BeTrue($"the largest difference is {(actual - expected).abs().max().item<float>()} on values up to {expected.abs().max().item<float>()}");

    [Fact]
    public void Scaling_is_part_of_the_graph_so_a_wrong_scaling_would_show()
    {
        var spec = new MlpSpec(5, [4], 3, ActivationKind.Tanh);
        var model = Save(spec, new ScalerState("unit", [2f], [10f]));
        var onnx = Path.Combine(_folder, "scaled.onnx");
        NetworkExporter.Export(model, ExportFormat.Onnx, onnx);

        using var saved = SavedNetwork.Load(model);
        using var raw = rand([9, 5], generator: new Generator(2)) * 255;
        var logits = OnnxRunner.Run(onnx, raw)["logits"];
        using var unscaled = saved.Module.forward(raw);
        using var scaled = saved.Module.forward(saved.Scale(raw));

        logits.allclose(scaled, rtol: 1e-5, atol: 1e-5).Should().BeTrue();
        logits.allclose(unscaled, rtol: 1e-3, atol: 1e-3).Should().BeFalse("the test must be able to tell scaled from raw inputs");
        logits.Dispose();
    }

    [Fact]
    public void Logits_only_leaves_out_the_softmax_and_the_metadata_names_the_classes()
    {
        using var network = MlpBuilder.Build(new MlpSpec(4, [], 2, ActivationKind.Relu), 1);
        SavedNetworkWriter.Save(network, new MlpSpec(4, [], 2, ActivationKind.Relu), [2, 2], new ScalerState("none", [0f], [1f]), ["no", "yes"], Path.Combine(_folder, "network.safetensors"));
        var onnx = Path.Combine(_folder, "logits.onnx");

        NetworkExporter.Export(_folder, ExportFormat.Onnx, onnx, probabilities: false);

        using var raw = randn([3, 4], generator: new Generator(4));
        var outputs = OnnxRunner.Run(onnx, raw);
        outputs.Keys.Should().Equal("logits");
        using var expected = network.forward(raw);
        outputs["logits"].allclose(expected, rtol: 1e-5, atol: 1e-6).Should().BeTrue();
        outputs["logits"].Dispose();
        var metadata = OnnxRunner.Metadata(onnx);
        metadata["classes"].Should().Be("[\"no\",\"yes\"]");
        metadata["inputShape"].Should().Be("[2,2]");
    }

    [Fact]
    public void A_layer_onnx_export_does_not_cover_is_refused_by_name()
    {
        using var network = nn.Sequential(("hidden1", nn.Linear(4, 3)), ("conv1", nn.Conv1d(1, 1, 1)), ("head", nn.Linear(3, 2)));
        var act = () => OnnxExporter.Build(network, 4, new ScalerState("none", [0f], [1f]), ["a", "b"], [4]);
        act.Should().Throw<PretrainException>().WithMessage("*layer 'conv1' (Conv1d)*supports Linear*");

        using var wide = nn.Sequential(("hidden1", nn.Linear(5, 3)));
        var mismatch = () => OnnxExporter.Build(wide, 4, new ScalerState("none", [0f], [1f]), ["a", "b", "c"], [4]);
        mismatch.Should().Throw<PretrainException>().WithMessage("*layer 'hidden1' (Linear)*takes 5 inputs*gives 4*");
    }

    [Fact]
    public void An_unknown_format_is_refused_and_default_names_follow_the_model()
    {
        FluentActions.Invoking(() => NetworkExporter.ParseFormat("tflite")).Should().Throw<PretrainException>().WithMessage("--format: expected onnx, safetensors or npz, received 'tflite'.");
        NetworkExporter.DefaultOutput("catalog:digits", ExportFormat.Onnx).Should().Be("digits.onnx");
        NetworkExporter.DefaultOutput(_folder, ExportFormat.Npz).Should().Be(Path.GetFileName(_folder) + ".npz");
        NetworkExporter.DefaultOutput(Path.Combine(_folder, "network.json"), ExportFormat.SafeTensors).Should().Be(Path.GetFileName(_folder) + ".safetensors");
        NetworkExporter.DefaultOutput(Path.Combine(_folder, "best.json"), ExportFormat.Onnx).Should().Be("best.onnx");
    }
}
