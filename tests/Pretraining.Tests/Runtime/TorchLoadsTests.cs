using TorchSharp;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Tests.Runtime;

/// <summary>
/// Proves the native libraries load on this host (see docs/troubleshooting.md: on Debian 12 / Ubuntu 22.04 this
/// needs the build's libLibTorchSharp.so fix) and that a network trains a step.
/// </summary>
public sealed class TorchLoadsTests
{
    [Fact]
    public void Torch_loads_builds_a_network_and_takes_an_optimizer_step()
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(1);
        var net = nn.Sequential(("hidden", nn.Linear(4, 8)), ("act", nn.Tanh()), ("out", nn.Linear(8, 1)));
        var x = randn(32, 4);
        var y = x.sum(1, keepdim: true);
        var optimizer = optim.SGD(net.parameters(), 0.05);
        var before = nn.functional.mse_loss(net.forward(x), y).item<float>();

        for (var step = 0; step < 20; step++)
        {
            optimizer.zero_grad();
            var loss = nn.functional.mse_loss(net.forward(x), y);
            loss.backward();
            optimizer.step();
        }

        var after = nn.functional.mse_loss(net.forward(x), y).item<float>();
        after.Should().BeLessThan(before * 0.5f, "twenty SGD steps on a linear target must reduce the loss");
    }

    [Fact]
    public void The_glue_library_next_to_the_tests_has_no_hard_requirement_on_a_newer_libstdcxx()
    {
        var glue = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        if (!OperatingSystem.IsLinux() || !File.Exists(glue))
            return;
        // Loading torch at all is the real proof; this names the cause when it fails.
        torch.InitializeDeviceType(DeviceType.CPU);
        torch.ones(1).item<float>().Should().Be(1f);
    }
}
