using Pretrain.Pretraining.Runtime;

namespace Pretrain.Recipes.Pipeline;

/// <summary>Forwards training events to several callbacks in order (null entries are skipped).</summary>
internal sealed class CompositeCallback(params ITrainingCallback?[] callbacks) : ITrainingCallback
{
    private readonly ITrainingCallback[] _callbacks = callbacks.OfType<ITrainingCallback>().ToArray();

    public void OnFitStart(string stage, int epochs, int batchesPerEpoch)
    {
        foreach (var c in _callbacks) c.OnFitStart(stage, epochs, batchesPerEpoch);
    }

    public void OnBatchEnd(int epoch, int batch)
    {
        foreach (var c in _callbacks) c.OnBatchEnd(epoch, batch);
    }

    public void OnEpochEnd(EpochReport report)
    {
        foreach (var c in _callbacks) c.OnEpochEnd(report);
    }

    // Forwards the stop control, so any of the callbacks can end training.
    public void OnEpochEnd(EpochReport report, Pretraining.Training.TrainingControl control)
    {
        foreach (var c in _callbacks) c.OnEpochEnd(report, control);
    }

    public void OnFitEnd(string stage)
    {
        foreach (var c in _callbacks) c.OnFitEnd(stage);
    }
}
