using Pretrain.FineTuning.Networks;
using Pretrain.FineTuning.Transfer;
using Pretrain.Pretraining;
using Pretrain.Pretraining.IO;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Tests.Transfer;

public sealed class WeightTransferTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pretrain-transfer-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static readonly MlpSpec Spec = new(4, [5], 3, ActivationKind.Sigmoid);

    [Theory]
    [InlineData("w.safetensors")]
    [InlineData("w.npz")]
    public void Export_then_import_round_trips_every_parameter(string fileName)
    {
        var path = Path.Combine(_folder, fileName);
        using var original = MlpBuilder.Build(Spec, seed: 1);
        using var copy = MlpBuilder.Build(Spec, seed: 2);
        WeightTransfer.Export(original, path);

        WeightTransfer.Import(copy, path, [NameMapping.Identity]).Should().BeEquivalentTo("hidden1.weight", "hidden1.bias", "head.weight", "head.bias");

        var expected = original.state_dict();
        foreach (var (name, tensor) in copy.state_dict())
            tensor.equal(expected[name]).all().item<bool>().Should().BeTrue(name);
    }

    [Fact]
    public void Keras_style_in_out_kernels_are_transposed_by_name_pattern()
    {
        var path = Path.Combine(_folder, "keras.npz");
        using var kernel = arange(20, dtype: ScalarType.Float32).reshape(4, 5);
        using var bias = ones(5);
        NpyWriter.WriteNpz(path, new Dictionary<string, Tensor> { ["dense_1/kernel"] = kernel, ["dense_1/bias"] = bias, ["optimizer/iter"] = tensor(3L) });
        using var model = MlpBuilder.Build(Spec, seed: 3);

        var written = WeightTransfer.Import(model, path,
        [
            new(@"dense_(\d+)/kernel", "hidden$1.weight", WeightLayout.InOut),
            new(@"dense_(\d+)/bias", "hidden$1.bias"),
        ]);

        written.Should().BeEquivalentTo("hidden1.weight", "hidden1.bias");
        model.state_dict()["hidden1.weight"].equal(kernel.t()).all().item<bool>().Should().BeTrue();
    }

    [Fact]
    public void A_shape_mismatch_names_the_tensor_and_both_shapes()
    {
        var path = Path.Combine(_folder, "bad.safetensors");
        using var wrong = zeros(7, 4);
        SafeTensorsFile.Write(path, new Dictionary<string, Tensor> { ["hidden1.weight"] = wrong });
        using var model = MlpBuilder.Build(Spec, seed: 4);
        var act = () => WeightTransfer.Import(model, path, [NameMapping.Identity]);
        act.Should().Throw<PretrainException>().WithMessage("*bad.safetensors: tensor 'hidden1.weight' has shape [7, 4] but 'hidden1.weight' expects [5, 4] (out, in).");
        var unknown = () => WeightTransfer.Import(model, path, [new("hidden1.weight", "hidden9.weight")]);
        unknown.Should().Throw<PretrainException>().WithMessage("*maps to 'hidden9.weight', which the network does not have*");
    }
}
