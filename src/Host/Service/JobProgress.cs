using Pretrain.Pretraining.Runtime;

namespace Pretrain.Host.Service;

/// <summary>Feeds a running job's stage, epoch and metrics to the queue's status file.</summary>
internal sealed class JobProgress(string job, string runFolder, StatusBoard board) : ITrainingCallback
{
    public void OnFitStart(string stage, int epochs, int batchesPerEpoch) =>
        board.Update(new RunningJob { Job = job, RunFolder = runFolder, Stage = stage });

    public void OnEpochEnd(EpochReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        board.Update(new RunningJob { Job = job, RunFolder = runFolder, Stage = report.Stage, Epoch = report.Epoch, Metrics = report.Metrics });
    }
}
