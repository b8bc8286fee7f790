using static TorchSharp.torch;

namespace Pretrain.Pretraining.Data;

/// <summary>
/// Minibatches of features and labels held in memory, handed out the way <see cref="ILabeledInput.LabeledBatches"/>
/// promises: each pair is copied to the device outside the caller's dispose scopes and disposed when the next one is
/// requested. The one batching loop of in-memory labelled data, for <see cref="Dataset"/> and for evaluation of raw tensors.
/// </summary>
public static class LabeledSlices
{
    /// <summary>
    /// (features [B, ...], labels [B]) on <paramref name="device"/>: the rows of <paramref name="order"/> (int64 [N], a
    /// permutation) in turn, or the rows in storage order when it is null; only the last batch may be shorter.
    /// </summary>
    public static IEnumerable<(Tensor Features, Tensor Labels)> Of(Tensor features, Tensor labels, int batchSize, Tensor? order, Device device)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        ArgumentNullException.ThrowIfNull(device);
        return Enumerate(features, labels, batchSize, order, device);
    }

    private static IEnumerable<(Tensor, Tensor)> Enumerate(Tensor features, Tensor labels, int batchSize, Tensor? order, Device device)
    {
        var count = features.shape[0];
        for (long start = 0; start < count; start += batchSize)
        {
            Tensor x, y;
            using (var scope = NewDisposeScope())
            {
                var length = Math.Min(batchSize, count - start);
                if (order is null)
                    (x, y) = (features.narrow(0, start, length).to(device), labels.narrow(0, start, length).to(device));
                else
                {
                    var rows = order.narrow(0, start, length).to(features.device);
                    (x, y) = (features.index_select(0, rows).to(device), labels.index_select(0, rows).to(device));
                }
                x.DetachFromDisposeScope();
                y.DetachFromDisposeScope();
            }
            try
            {
                yield return (x, y);
            }
            finally
            {
                x.Dispose();
                y.Dispose();
            }
        }
    }
}
