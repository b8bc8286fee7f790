using Pretrain.Pretraining.Runtime;

namespace Pretrain.FineTuning.Tests.Training;

/// <summary>Cancels <paramref name="source"/> when epoch <paramref name="epoch"/> ends: a run killed there, for resume tests.</summary>
internal sealed class CancelAfter(int epoch, CancellationTokenSource source) : ITrainingCallback
{
    public void OnEpochEnd(EpochReport report)
    {
        if (report.Epoch == epoch)
            source.Cancel();
    }
}
