using Pretrain.Host.Cli;
using Pretrain.Pretraining.Data;
using Pretrain.Pretraining.Data.Shards;
using Pretrain.Pretraining.IO;
using Pretrain.Tests.Support;
using static TorchSharp.torch;

namespace Pretrain.Host.Tests.Cli;

[Collection(ConsoleCollection.Name)]
public sealed class DataShardCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pretrain-shard-cli-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static int Pretrain(params string[] args) => PretrainCommand.Create().Parse(args).Invoke();

    [Fact]
    public void Gzip_idx_files_are_streamed_into_shards_holding_the_same_pixels_and_labels()
    {
        var slice = Path.Combine(RepositoryPaths.Root, "data", "fashion-mnist-slice");
        var images = Path.Combine(slice, "t10k-images-idx3-ubyte.gz");
        var labels = Path.Combine(slice, "t10k-labels-idx1-ubyte.gz");
        var output = Path.Combine(_folder, "shards");

        Pretrain("data", "shard", images, "--labels", labels, "--out", output, "--rows-per-shard", "300").Should().Be(ExitCodes.Success);

        var set = ShardSet.Open(output, verifyChecksums: true);
        set.Manifest.Shards.Select(s => s.Rows).Should().Equal(300, 300, 300, 100);
        set.Manifest.Pixels.Should().BeTrue("IDX images are raw pixels, which unit scaling divides by 255");
        using var fromShards = set.ReadAll();
        using var direct = IdxReader.LoadLabeled(images, labels, null);
        fromShards.Features.equal(direct.Features).all().item<bool>().Should().BeTrue();
        fromShards.Labels!.equal(direct.Labels!).all().item<bool>().Should().BeTrue();
        fromShards.SampleShape.Should().Equal(28, 28);
    }

    [Fact]
    public void Npy_features_of_another_dtype_become_float32_shards_and_bad_input_exits_with_the_file_named()
    {
        var features = Path.Combine(_folder, "x.npy");
        using (var values = arange(60, ScalarType.Float64).reshape(20, 3))
            NpyWriter.Write(features, values);
        var output = Path.Combine(_folder, "npy-shards");

        Pretrain("data", "shard", features, "--out", output, "--rows-per-shard", "8").Should().Be(ExitCodes.Success);
        using var data = ShardSet.Open(output).ReadAll();
        data.Features[19, 2].item<float>().Should().Be(59f);
        data.Labels.Should().BeNull();

        File.WriteAllBytes(Path.Combine(_folder, "broken.npy"), [0x93, (byte)'N', (byte)'U']);
        var (code, _, error) = CapturedCommand.Run("data", "shard", Path.Combine(_folder, "broken.npy"), "--out", Path.Combine(_folder, "never"));
        code.Should().Be(ExitCodes.InvalidInput);
        error.Should().Contain("broken.npy: not a NumPy .npy file");
    }
}
