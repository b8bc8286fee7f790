using Pretrain.Pretraining.Runtime;

namespace Pretrain.Recipes.Pipeline;

/// <summary>Keeps every epoch report by stage, for the loss-curve pictures drawn after a stage.</summary>
internal sealed class HistoryCallback : ITrainingCallback
{
    private readonly Dictionary<string, List<EpochReport>> _byStage = [];

    public IReadOnlyList<EpochReport> Of(string stage) => _byStage.TryGetValue(stage, out var reports) ? reports : [];

    public IEnumerable<string> Stages => _byStage.Keys;

    public void OnEpochEnd(EpochReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (!_byStage.TryGetValue(report.Stage, out var reports))
            _byStage[report.Stage] = reports = [];
        reports.Add(report);
    }
}
