using Pretrain.Pretraining.Layers;
using Pretrain.Pretraining.Runtime;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Tests.Runtime;

public sealed class BFloat16SpeedTests
{
    [Fact]
    public void The_probe_measures_a_positive_slowdown_on_the_cpu_and_remembers_it()
    {
        var slowdown = BFloat16Speed.SlowdownOverFloat32(CPU);

        double.IsFinite(slowdown).Should().BeTrue();
        slowdown.Should().BePositive();
        BFloat16Speed.SlowdownOverFloat32(CPU).Should().Be(slowdown, "the machine is probed once per process");
    }

    [Fact]
    public void Only_bfloat16_that_is_slower_than_float32_gets_a_warning()
    {
        BFloat16Speed.WarningFor(Precision.BFloat16, 48.6, "cpu").Should()
            .Contain("takes 48.6x as long as a float32 one on cpu").And.Contain("Use precision float32");
        BFloat16Speed.WarningFor(Precision.BFloat16, 1.3, "cpu").Should()
            .Contain("takes 1.3x as long", "an Intel Xeon without AMX measured 1.2-1.8x, and its bfloat16 loops ran 1.5x slower");
        BFloat16Speed.WarningFor(Precision.BFloat16, 0.3, "cpu").Should().BeNull("native bfloat16 is faster");
        BFloat16Speed.WarningFor(Precision.BFloat16, BFloat16Speed.SlowThreshold, "cpu").Should().BeNull();
        BFloat16Speed.WarningFor(Precision.Float32, 48.6, "cpu").Should().BeNull("float32 training does not use bfloat16 products");
    }
}
