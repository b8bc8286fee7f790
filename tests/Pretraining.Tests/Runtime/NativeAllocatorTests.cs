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
