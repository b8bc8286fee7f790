using Pretrain.FineTuning.Models;
using Pretrain.FineTuning.Networks;
using Pretrain.Host.Cli;
using Pretrain.Pretraining.Data;
using Pretrain.Pretraining.Layers;
using static TorchSharp.torch;

namespace Pretrain.Host.Tests.Cli;

[Collection(ConsoleCollection.Name)]
public sealed class ExportImportCommandTests : IDisposable
{
    private static readonly MlpSpec Spec = new(5, [4, 3], 2, ActivationKind.Tanh);
    private readonly string _folder = Directory.CreateTempSubdirectory("pretrain-export-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static (int Code, string Out, string Error) Pretrain(params string[] args) => CapturedCommand.Run(args);

    private string SaveNetwork()
    {
        var run = Directory.CreateDirectory(Path.Combine(_folder, "run")).FullName;
        using var network = MlpBuilder.Build(Spec, seed: 7);
        SavedNetworkWriter.Save(network, Spec, [5], new ScalerState("standardize", [1f], [2f]), ["no", "yes"], Path.Combine(run, "network.safetensors"));
        return run;
    }

    [Fact]
    public void Export_writes_each_format_and_refuses_an_unknown_one_once()
    {
        var run = SaveNetwork();
        foreach (var format in new[] { "onnx", "safetensors", "npz" })
        {
            var file = Path.Combine(_folder, $"model.{format}");
            var (code, output, _) = Pretrain("export", run, "--format", format, "--out", file);
            code.Should().Be(ExitCodes.Success);
            output.Should().Contain(file);
            new FileInfo(file).Length.Should().BeGreaterThan(100);
        }

        var (refused, _, error) = Pretrain("export", run, "--format", "tflite");
        refused.Should().Be(ExitCodes.InvalidInput);
        error.Trim().Should().Be("--format: expected onnx, safetensors or npz, received 'tflite'.");
        Pretrain("export", Path.Combine(_folder, "nowhere"), "--format", "onnx").Code.Should().Be(ExitCodes.InvalidInput);
    }

    [Fact]
    public void A_cnn_exports_to_onnx_with_its_image_layers_and_to_weight_files()
    {
        var spec = new MlpSpec(1 * 6 * 6, [4], 2, ActivationKind.Relu)
        {
            ImageShape = [1, 6, 6], BatchNorm = true,
            Convolutions = [new ConvLayerSpec(3, new ConvolutionGeometry(3, Stride: 1, Padding: 1, PoolSize: 2))],
        };
        var run = Directory.CreateDirectory(Path.Combine(_folder, "cnn")).FullName;
        using (var network = MlpBuilder.Build(spec, seed: 3))
            SavedNetworkWriter.Save(network, spec, [1, 6, 6], new ScalerState("unit", [0f], [255f]), ["no", "yes"], Path.Combine(run, "network.safetensors"));

        foreach (var format in new[] { "onnx", "safetensors", "npz" })
        {
            var (code, _, error) = Pretrain("export", run, "--format", format, "--out", Path.Combine(_folder, $"cnn.{format}"));
            code.Should().Be(ExitCodes.Success, error);
        }
        var model = Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(_folder, "cnn.onnx")));
        // A ReLU block pools first (the same function; see ActivatedMaxPooling), and the graph keeps the network's order.
        model.Graph.Node.Select(n => n.OpType).Should().Equal(
            "Sub", "Div", "Reshape", "Conv", "BatchNormalization", "MaxPool", "Relu", "Flatten", "Gemm", "BatchNormalization", "Relu", "Gemm", "Identity", "Softmax");
    }

    [Fact]
    public void An_exported_network_imported_back_predicts_the_same_and_the_report_is_printed()
    {
        var run = SaveNetwork();
        var weights = Path.Combine(_folder, "exported.npz");
        Pretrain("export", run, "--format", "npz", "--out", weights).Code.Should().Be(ExitCodes.Success);
        var catalog = Path.Combine(_folder, "catalog");

        var (code, output, error) = Pretrain("import", weights, "--map", "(hidden\\d+|head)\\.(weight|bias)=$1.$2", "--as", "round-trip",
            "--activation", "tanh", "--classes", "no,yes", "--catalog", catalog);

        code.Should().Be(ExitCodes.Success, error);
        output.Should().Contain("6 matched, 0 skipped, 0 mismatched, 0 missing").And.Contain("matched     hidden1.weight -> hidden1.weight [4, 5]");
        using var original = SavedNetwork.Load(run);
        using var imported = SavedNetwork.Load(Path.Combine(catalog, "round-trip"));
        using var x = randn([6, 5], generator: new Generator(1));
        // The import carries no scaling: the original's scaling applied by hand gives the same probabilities.
        using var expected = original.PredictProbabilities(x);
        using var actual = imported.PredictProbabilities(original.Scale(x));
        actual.allclose(expected, rtol: 1e-6, atol: 1e-7).Should().BeTrue();

        var (refused, _, message) = Pretrain("import", weights, "--map", "hidden1\\.(.*)=hidden1.$1", "--map", "head\\.(.*)=head.$1", "--as", "broken", "--catalog", catalog);
        refused.Should().Be(ExitCodes.InvalidInput);
        message.Should().Contain("head.weight takes 3 inputs but hidden1.weight gives 4 outputs");
    }
}
