using Pretrain.FineTuning.Export;
using Pretrain.FineTuning.Models;
using Pretrain.FineTuning.Networks;
using Pretrain.Pretraining;
using Pretrain.Pretraining.Data;
using Pretrain.Pretraining.Layers;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Tests.Export;

public sealed class OnnxCnnExportTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("onnx-cnn-export-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static MlpSpec Cnn(ActivationKind activation, bool batchNorm, long[] image, params ConvLayerSpec[] blocks) =>
        new((int)image.Aggregate(1L, (a, b) => a * b), [6], 3, activation, Dropout: 0.2)
        {
            Convolutions = blocks, ImageShape = image, BatchNorm = batchNorm,
            ActivationAlpha = activation is ActivationKind.LeakyRelu or ActivationKind.Elu ? 0.3 : null,
        };

    private static readonly Dictionary<string, MlpSpec> Specs = new()
    {
        ["one block, pooled"] = Cnn(ActivationKind.Relu, false, [1, 8, 8], new ConvLayerSpec(4, new ConvolutionGeometry(3, PoolSize: 2))),
        ["batch norm, stride 2, padding 1"] = Cnn(ActivationKind.Tanh, true, [2, 9, 9], new ConvLayerSpec(3, new ConvolutionGeometry(3, Stride: 2, Padding: 1))),
        ["two blocks, batch norm, padding and pooling"] =
            Cnn(ActivationKind.PRelu, true, [3, 10, 10],
                new ConvLayerSpec(4, new ConvolutionGeometry(3, Padding: 1, PoolSize: 2)), new ConvLayerSpec(5, new ConvolutionGeometry(2, Stride: 2, Padding: 2))),
        ["stride 2 then pooling 2, leaky ReLU"] =
            Cnn(ActivationKind.LeakyRelu, false, [2, 11, 7],
                new ConvLayerSpec(3, new ConvolutionGeometry(3, Stride: 2)), new ConvLayerSpec(2, new ConvolutionGeometry(1, PoolSize: 2))),
    };

    public static TheoryData<string> Networks => new(Specs.Keys);

    [Theory]
    [MemberData(nameof(Networks))]
    public void Onnx_runtime_gives_the_saved_cnns_logits_and_probabilities_on_raw_inputs(string description)
    {
        var spec = Specs[description];
        var model = RandomNetwork.Save(_folder, spec, RandomNetwork.Standardize(spec.InputFeatures), spec.ImageShape, spread: 0.5f);
        var onnx = Path.Combine(_folder, "cnn.onnx");

        NetworkExporter.Export(model, ExportFormat.Onnx, onnx);

        using var saved = SavedNetwork.Load(model);
        saved.Manifest.Architecture.Kind.Should().Be("cnn", description);
        using var raw = randn([17, spec.InputFeatures], generator: new Generator(11)) * 3 + 1;
        using var expectedLogits = saved.Module.forward(saved.Scale(raw));
        using var expectedProbabilities = saved.PredictProbabilities(raw);
        var outputs = OnnxRunner.Run(onnx, raw);
        outputs["logits"].shape.Should().Equal(17, 3);
        expectedLogits.std().item<float>().Should().BeGreaterThan(0.1f, "logits that barely vary would hide a wrong layer");
        OnnxExportTests.CloseTo(outputs["logits"], expectedLogits);
        OnnxExportTests.CloseTo(outputs["probabilities"], expectedProbabilities);
        foreach (var output in outputs.Values)
            output.Dispose();
        OnnxRunner.Metadata(onnx)["inputShape"].Should().Be($"[{string.Join(",", spec.ImageShape!)}]");
    }

    [Fact]
    public void Pooling_with_its_own_stride_padding_and_dilation_and_per_channel_slopes_match_torch()
    {
        using var network = nn.Sequential(
            ("image", new ImageView([2, 9, 9])),
            ("hidden1", new Convolution2d(2, 3, 2, stride: 1, padding: 1)),
            ("act1", nn.PReLU(3, 0.2)),
            ("pool1", nn.MaxPool2d(3, stride: 2, padding: 1, dilation: 2)),
            ("flatten", nn.Flatten()),
            ("head", nn.Linear(3 * 4 * 4, 2)));
        using (no_grad())
        {
            using var g = new Generator(3);
            foreach (var (_, p) in network.named_parameters())
                p.copy_(randn(p.shape, generator: g));
        }
        network.eval();
        var onnx = Path.Combine(_folder, "pool.onnx");
        File.WriteAllBytes(onnx, Google.Protobuf.MessageExtensions.ToByteArray(
            OnnxExporter.Build(network, 162, new ScalerState("none", [0f], [1f]), ["a", "b"], [2, 9, 9])));

        using var x = randn([5, 162], generator: new Generator(4));
        using var expected = network.forward(x);
        var logits = OnnxRunner.Run(onnx, x)["logits"];
        OnnxExportTests.CloseTo(logits, expected);
        logits.Dispose();
    }

    [Fact]
    public void Layers_whose_shapes_do_not_follow_are_refused_by_name()
    {
        var none = new ScalerState("none", [0f], [1f]);
        using var unflattened = nn.Sequential(("image", new ImageView([1, 4, 4])), ("hidden1", new Convolution2d(1, 2, 3)), ("head", nn.Linear(8, 2)));
        FluentActions.Invoking(() => OnnxExporter.Build(unflattened, 16, none, ["a", "b"], [1, 4, 4]))
            .Should().Throw<PretrainException>().WithMessage("ONNX export: cannot export layer 'head' (Linear): it takes 8 inputs but the layer below gives images [2, 2, 2].");

        using var channels = nn.Sequential(("image", new ImageView([1, 4, 4])), ("hidden1", new Convolution2d(2, 2, 3)));
        FluentActions.Invoking(() => OnnxExporter.Build(channels, 16, none, ["a", "b"], [1, 4, 4]))
            .Should().Throw<PretrainException>().WithMessage("*layer 'hidden1' (Convolution2d): it takes images of 2 channels but the layer below gives images [1, 4, 4].");

        using var norm = nn.Sequential(("image", new ImageView([1, 4, 4])), ("bn1", nn.BatchNorm1d(1)));
        FluentActions.Invoking(() => OnnxExporter.Build(norm, 16, none, ["a"], [1, 4, 4]))
            .Should().Throw<PretrainException>().WithMessage("*layer 'bn1' (BatchNorm1d): it normalizes 1 features*images [1, 4, 4]*");

        using var ceil = nn.Sequential(("image", new ImageView([1, 4, 4])), ("pool1", nn.MaxPool2d(3, ceil_mode: true)));
        FluentActions.Invoking(() => OnnxExporter.Build(ceil, 16, none, ["a"], [1, 4, 4]))
            .Should().Throw<PretrainException>().WithMessage("*layer 'pool1' (MaxPool2d): ceil_mode*");
    }
}
