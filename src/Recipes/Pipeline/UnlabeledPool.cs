using Pretrain.Pretraining;
using Pretrain.Pretraining.Data;
using static TorchSharp.torch;

namespace Pretrain.Recipes.Pipeline;

/// <summary>
/// The examples pretraining learns from when a recipe gives <c>data.unlabeled</c>: the training examples outside the
/// validation split, then the extra ones, less any extra example that is an exact copy of a validation or test
/// example (pretraining on those would let the held-out scores see them). Labels are dropped: pretraining uses none.
/// </summary>
internal static class UnlabeledPool
{
    /// <summary>Combines <paramref name="pool"/> and <paramref name="extra"/>; returns the examples and how many extra ones were dropped as copies.</summary>
    /// <param name="pool">The training examples outside the validation split.</param>
    /// <param name="extra">The examples of <c>data.unlabeled</c>, as read.</param>
    /// <param name="heldOut">Validation and test examples, as read (before scaling, like <paramref name="extra"/>).</param>
    /// <param name="field">The recipe field of <paramref name="extra"/>, for errors.</param>
    public static (Dataset Examples, long Dropped) Combine(Dataset pool, Dataset extra, IEnumerable<Dataset> heldOut, string field)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(extra);
        ArgumentNullException.ThrowIfNull(heldOut);
        CheckWidth(extra, pool.FeatureCount, pool.SampleShape, field);
        using var scope = NewDisposeScope();
        var (added, dropped) = WithoutCopies(extra, Fingerprints(heldOut.Select(d => d.Features)));
        var features = cat([pool.Features, added.to(pool.Device)], 0); // [N_pool + N_kept, D], in the training examples' shape
        return (new Dataset(features.MoveToOuterDisposeScope(), null, pool.SampleShape, $"{pool.Source} + {extra.Source}"), dropped);
    }

    /// <summary>Refuses <paramref name="extra"/> when its examples do not hold <paramref name="width"/> values, naming <paramref name="field"/>.</summary>
    public static void CheckWidth(Dataset extra, int width, IReadOnlyList<long> shape, string field)
    {
        ArgumentNullException.ThrowIfNull(extra);
        if (extra.FeatureCount != width)
            throw new PretrainException($"{field}: examples of {extra.Source} have {extra.FeatureCount} values (shape [{string.Join(", ", extra.SampleShape)}]) "
                + $"but the training examples have {width} (shape [{string.Join(", ", shape)}]).");
    }

    /// <summary>The fingerprints of every row of <paramref name="heldOut"/> (float32 [B, D] batches, as read, before scaling).</summary>
    public static HashSet<UInt128> Fingerprints(IEnumerable<Tensor> heldOut) => new(heldOut.SelectMany(RowFingerprints.Of));

    /// <summary>The rows of <paramref name="extra"/> whose fingerprints are not in <paramref name="held"/> (features [M, D], in the caller's scope), and how many were dropped.</summary>
    public static (Tensor Kept, long Dropped) WithoutCopies(Dataset extra, IReadOnlySet<UInt128> held)
    {
        ArgumentNullException.ThrowIfNull(extra);
        ArgumentNullException.ThrowIfNull(held);
        var prints = RowFingerprints.Of(extra.Features);
        var kept = Enumerable.Range(0, prints.Length).Where(i => !held.Contains(prints[i])).Select(i => (long)i).ToArray();
        using var scope = NewDisposeScope();
        return (extra.Features.index_select(0, tensor(kept, device: extra.Device)).MoveToOuterDisposeScope(), prints.Length - kept.Length);
    }
}
