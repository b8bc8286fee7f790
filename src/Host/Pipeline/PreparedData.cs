using Pretrain.Pretraining.Data;

namespace Pretrain.Host.Pipeline;

/// <summary>The data sets of a run after splitting, subsetting and scaling, all on the run's device. Owns them.</summary>
internal sealed class PreparedData : IDisposable
{
    public required Dataset Train { get; init; }

    public Dataset? Validation { get; init; }

    public Dataset? Test { get; init; }

    public required ScalerState Scaler { get; init; }

    public void Dispose()
    {
        Train.Dispose();
        Validation?.Dispose();
        Test?.Dispose();
    }
}
