using Pretrain.Pretraining.Runtime;
using Pretrain.Pretraining.Tests.Support;

namespace Pretrain.Pretraining.Tests.Runtime;

/// <summary>The build keeps TorchSharp's arguments alive during native calls (build/TorchSharpLifetimePatch.targets).</summary>
public sealed class TorchSharpLifetimesTests
{
    [Fact]
    public void The_TorchSharp_assembly_this_build_runs_is_compiled_without_JIT_optimizations()
    {
        TorchSharpLifetimes.AreKeptAlive.Should().BeTrue(
            "the build marks the output folder's TorchSharp.dll [Debuggable(Default | DisableOptimizations)]; without it a garbage collection can free a TorchSharp argument during a native call");
        var logger = new ListLogger();
        TorchSharpLifetimes.WarnIfNotKeptAlive(logger);
        logger.Lines.Should().BeEmpty();
    }
}
