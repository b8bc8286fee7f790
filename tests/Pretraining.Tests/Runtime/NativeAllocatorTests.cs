using Pretrain.Benchmarks;
using Pretrain.Pretraining.Runtime;

namespace Pretrain.Pretraining.Tests.Runtime;

public sealed class NativeAllocatorTests
{
    [Fact]
    public void On_linux_with_glibc_the_allocator_is_tuned_once_and_stays_tuned()
    {
        if (!OperatingSystem.IsLinux())
        {
            NativeAllocator.KeepFreedMemory().Should().BeFalse();
            return;
        }

        NativeAllocator.KeepFreedMemory().Should().BeTrue("glibc's mallopt accepts each value, which are within its limits");
        NativeAllocator.Tuned.Should().BeTrue();
        NativeAllocator.KeepFreedMemory().Should().BeTrue();
    }
}

/// <summary>Measures the process's resident memory, so it runs alone: other tests allocating at the same time would blur it.</summary>
[Collection(ResidentMemoryCollection.Name)]
public sealed class NativeAllocatorReleaseTests
{
    [Fact]
    public void Freed_memory_kept_between_live_tensors_is_returned_to_the_system_on_request()
    {
        if (!OperatingSystem.IsLinux())
        {
            NativeAllocator.ReleaseFreedMemory().Should().BeFalse();
            return;
        }

        NativeAllocator.KeepFreedMemory();
        // 128 blocks of 2 MB, every other one freed: the freed ones sit between live ones, so no heap shrinks by
        // itself and only an explicit release can return their pages.
        var blocks = Enumerable.Range(0, 128).Select(_ => TorchSharp.torch.ones(500_000)).ToList();
        try
        {
            for (var i = 0; i < blocks.Count; i += 2)
                blocks[i].Dispose();
            var before = ResidentMemory.Current;

            NativeAllocator.ReleaseFreedMemory().Should().BeTrue();

            (before - ResidentMemory.Current).Should().BeGreaterThan(64L << 20, "128 MB of freed blocks were kept resident before the release");
        }
        finally
        {
            foreach (var block in blocks)
                block.Dispose();
        }
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ResidentMemoryCollection
{
    public const string Name = "Resident memory";
}
