using Pretrain.Pretraining.Runtime;
using Pretrain.Pretraining.Tests.Support;
using TorchSharp;

namespace Pretrain.Pretraining.Tests.Runtime;

/// <summary>Jobs that run at once in one process share the cores instead of each taking all of them.</summary>
public sealed class TorchThreadsTests
{
    [Theory]
    [InlineData(2, 1, 2)]
    [InlineData(2, 2, 1)]
    [InlineData(16, 3, 5)]
    [InlineData(2, 4, 1)]
    public void Each_job_gets_an_equal_share_of_the_cores_and_at_least_one(int cores, int jobs, int expected) =>
        TorchThreads.PerJob(cores, jobs).Should().Be(expected);

    [Fact]
    public void Zero_cores_or_jobs_are_refused()
    {
        FluentActions.Invoking(() => TorchThreads.PerJob(0, 1)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => TorchThreads.PerJob(2, 0)).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Threads_started_after_sharing_use_their_share_and_the_user_count_is_kept()
    {
        var before = torch.get_num_threads();
        try
        {
            // A share unlike the count in force, so that only setting it can make the job's thread see it.
            var share = before == 4 ? 2 : 4;
            var logger = new ListLogger();
            TorchThreads.ShareAmong(jobs: 8 / share, cores: 8, fixedByUser: null, logger).Should().Be(share);
            var seen = 0;
            var job = new Thread(() => seen = torch.get_num_threads());
            job.Start();
            job.Join();
            seen.Should().Be(share, "a job's thread takes libtorch's thread count when it first runs an operation");
            logger.Lines.Should().ContainSingle().Which.Should().Contain($"{8 / share} jobs at once on 8 cores: {share} torch thread(s) each");

            torch.set_num_threads(before);
            var kept = new ListLogger();
            TorchThreads.ShareAmong(jobs: 4, cores: 8, fixedByUser: "3", kept).Should().BeNull("the user's count is left alone");
            torch.get_num_threads().Should().Be(before, "OMP_NUM_THREADS is the user's choice");
            kept.Lines.Should().ContainSingle().Which.Should().Contain("OMP_NUM_THREADS=3");

            TorchThreads.ShareAmong(jobs: 1, cores: 8, fixedByUser: null, new ListLogger()).Should().BeNull("one job keeps libtorch's default, every core");
            torch.get_num_threads().Should().Be(before);

            var warned = new ListLogger();
            TorchThreads.ShareAmong(jobs: 3, cores: 2, fixedByUser: null, warned).Should().Be(1);
            warned.Lines.Should().HaveCount(2).And.Contain(l => l.Contains("share a core", StringComparison.Ordinal));
        }
        finally
        {
            torch.set_num_threads(before);
        }
    }
}
