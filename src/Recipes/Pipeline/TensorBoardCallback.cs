using Pretrain.Pretraining.Runtime;
using static TorchSharp.torch;

namespace Pretrain.Recipes.Pipeline;

/// <summary>
/// Writes every epoch's metrics as TensorBoard scalars (TorchSharp's own event-file writer) under
/// <c>RUN/tensorboard/</c>, tagged <c>STAGE/METRIC</c>: <c>tensorboard --logdir runs</c> then compares runs.
/// </summary>
internal sealed class TensorBoardCallback(RunFolder folder) : ITrainingCallback
{
    private TorchSharp.Modules.SummaryWriter? _writer;

    public void OnEpochEnd(EpochReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        _writer ??= utils.tensorboard.SummaryWriter(folder.File("tensorboard"));
        foreach (var (name, value) in report.Metrics)
            _writer.add_scalar($"{report.Stage}/{name}", (float)value, report.Epoch);
    }
}
