using Pretrain.Recipes.Pipeline;

namespace Pretrain.Recipes.Tests.Pipeline;

public sealed class RunFolderMetricsTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("pretrain-metrics-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void A_diverged_metric_is_written_as_NaN_instead_of_failing_the_run()
    {
        var folder = RunFolder.Create(_root, "nan", DateTimeOffset.UnixEpoch);

        folder.AppendMetrics(new Dictionary<string, object> { ["stage"] = "supervised", ["validationLoss"] = double.NaN, ["trainLoss"] = double.PositiveInfinity });

        File.ReadAllText(folder.MetricsFile).Should().Contain("\"validationLoss\":\"NaN\"").And.Contain("\"trainLoss\":\"Infinity\"");
    }
}
