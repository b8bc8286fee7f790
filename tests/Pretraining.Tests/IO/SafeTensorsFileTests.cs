using System.Buffers.Binary;
using System.Text;
using Pretrain.Pretraining.IO;
using Pretrain.Pretraining.Tests.Support;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Tests.IO;

public sealed class SafeTensorsFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pretrain-st-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Tensors_of_every_supported_dtype_round_trip()
    {
        var path = Path.Combine(_folder, "a.safetensors");
        using var f32 = rand(3, 4);
        using var f64 = rand(2, dtype: ScalarType.Float64);
        using var bf16 = rand(5).to(ScalarType.BFloat16);
        using var i64 = arange(6, dtype: ScalarType.Int64).reshape(2, 3);
        using var u8 = tensor(new byte[] { 1, 2, 255 });
        SafeTensorsFile.Write(path, new Dictionary<string, Tensor> { ["w"] = f32, ["d"] = f64, ["b"] = bf16, ["i"] = i64, ["u"] = u8 },
            new Dictionary<string, string> { ["source"] = "test" });

        using var content = SafeTensorsFile.Read(path);
        content.Metadata["source"].Should().Be("test");
        content.Tensors["w"].Identical(f32).Should().BeTrue();
        content.Tensors["d"].Identical(f64).Should().BeTrue();
        content.Tensors["b"].Identical(bf16).Should().BeTrue();
        content.Tensors["i"].Identical(i64).Should().BeTrue();
        content.Tensors["u"].Identical(u8).Should().BeTrue();
    }

    [Fact]
    public void The_file_layout_follows_the_published_format()
    {
        var path = Path.Combine(_folder, "b.safetensors");
        using var t = tensor(new float[] { 1f, 2f });
        SafeTensorsFile.Write(path, new Dictionary<string, Tensor> { ["x"] = t });
        var bytes = File.ReadAllBytes(path);
        var headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        (headerLength % 8).Should().Be(0);
        var header = Encoding.UTF8.GetString(bytes, 8, headerLength).TrimEnd();
        header.Should().Be("""{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""");
        BitConverter.ToSingle(bytes, 8 + headerLength + 4).Should().Be(2f);
        bytes.Length.Should().Be(8 + headerLength + 8);
    }

    [Fact]
    public void A_truncated_file_is_reported_with_its_name()
    {
        var path = Path.Combine(_folder, "c.safetensors");
        using var t = rand(10, 10);
        SafeTensorsFile.Write(path, new Dictionary<string, Tensor> { ["big"] = t });
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^16]);
        var act = () => SafeTensorsFile.Read(path);
        act.Should().Throw<DataException>().WithMessage("*c.safetensors*tensor 'big'*byte range*");
        File.WriteAllBytes(path, bytes[..4]);
        act.Should().Throw<DataException>().WithMessage("*c.safetensors*not a safetensors file*");
    }
}
