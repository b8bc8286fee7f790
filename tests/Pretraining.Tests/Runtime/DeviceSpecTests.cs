using Pretrain.Pretraining.Runtime;
using TorchSharp;

namespace Pretrain.Pretraining.Tests.Runtime;

public sealed class DeviceSpecTests
{
    [Theory]
    [InlineData("auto", null, -1)]
    [InlineData("CPU", DeviceType.CPU, -1)]
    [InlineData(" cuda ", DeviceType.CUDA, 0)]
    [InlineData("cuda:3", DeviceType.CUDA, 3)]
    public void Valid_spellings_parse(string text, DeviceType? type, int index)
    {
        var spec = DeviceSpec.Parse(text);
        spec.Type.Should().Be(type);
        spec.Index.Should().Be(index);
    }

    [Theory]
    [InlineData("gpu")]
    [InlineData("cuda:")]
    [InlineData("cuda:-1")]
    [InlineData("cuda:x")]
    [InlineData("")]
    public void Other_spellings_are_rejected_with_the_allowed_values(string text)
    {
        var act = () => DeviceSpec.Parse(text);
        act.Should().Throw<PretrainException>().WithMessage($"device: expected auto, cpu, cuda or cuda:N, received '{text}'.");
    }

    [Fact]
    public void Auto_resolves_to_cuda_exactly_when_it_is_available()
    {
        var device = DeviceSpec.Auto.Resolve();
        device.type.Should().Be(torch.cuda.is_available() ? DeviceType.CUDA : DeviceType.CPU);
    }

    [Fact]
    public void Asking_for_cuda_without_a_gpu_is_a_clear_error()
    {
        if (torch.cuda.is_available())
            return;
        var act = () => DeviceSpec.Parse("cuda:1").Resolve();
        act.Should().Throw<PretrainException>().WithMessage("*'cuda:1' was requested but CUDA is not available*");
    }

    [Fact]
    public void The_same_seed_gives_the_same_random_streams_and_different_streams_differ()
    {
        var a = RunContext.Create(DeviceSpec.Cpu, 5);
        var b = RunContext.Create(DeviceSpec.Cpu, 5);
        using var g1 = a.CreateGenerator(RandomStream.SupervisedShuffle);
        using var g2 = b.CreateGenerator(RandomStream.SupervisedShuffle);
        using var g3 = a.CreateGenerator(RandomStream.SupervisedShuffle, key: 1);
        using var x1 = torch.rand(8, generator: g1);
        using var x2 = torch.rand(8, generator: g2);
        using var x3 = torch.rand(8, generator: g3);
        x1.eq(x2).all().item<bool>().Should().BeTrue();
        x1.eq(x3).all().item<bool>().Should().BeFalse();
    }
}
