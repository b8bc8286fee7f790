using Pretrain.Pretraining.Training;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Tests.Training;

/// <summary>An epoch body whose one weight becomes the epoch number and whose metrics come from a script, one entry per epoch.</summary>
internal sealed class ScriptedBody(params Dictionary<string, double>[] script) : IEpochBody, IDisposable
{
    private readonly Tensor _weight = zeros(1).DetachFromDisposeScope();

    public IReadOnlyDictionary<string, Tensor> Weights => new Dictionary<string, Tensor> { ["w"] = _weight };

    public string Fingerprint => "scripted";

    /// <summary>The epoch whose number the weight holds now.</summary>
    public float Weight => _weight.item<float>();

    public IReadOnlyDictionary<string, double> RunEpoch(int epoch, Action onBatchEnd)
    {
        using (no_grad())
            _weight.fill_(epoch);
        onBatchEnd();
        return script[epoch - 1];
    }

    public void SaveState(int epoch, TrainingState state)
    {
    }

    public void LoadState(int epoch, TrainingState state)
    {
    }

    public static Dictionary<string, double> Loss(double value) => new() { ["loss"] = value };

    public void Dispose() => _weight.Dispose();
}
