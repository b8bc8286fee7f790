using static TorchSharp.torch;

namespace Pretrain.Pretraining.Data;

/// <summary>Seeded ways to divide a data set: a validation hold-out and a labeled subset of N per class.</summary>
public static class DataSplits
{
    /// <summary>Holds out a seeded random <paramref name="fraction"/> of <paramref name="data"/> for validation.</summary>
    public static (Dataset Train, Dataset Validation) ValidationSplit(Dataset data, double fraction, int seed)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (fraction is <= 0 or >= 1)
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "expected a fraction in (0, 1).");
        return ValidationSplit(data, (long)Math.Round(data.Count * fraction), seed);
    }

    /// <summary>Holds out <paramref name="count"/> seeded random examples of <paramref name="data"/> for validation.</summary>
    public static (Dataset Train, Dataset Validation) ValidationSplit(Dataset data, long count, int seed)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (count <= 0 || count >= data.Count)
            throw new PretrainException($"{data.Source}: a validation split of {count} needs between 1 and {data.Count - 1} examples.");
        using var scope = NewDisposeScope();
        using var generator = new Generator((ulong)seed);
        var order = randperm(data.Count, generator: generator);
        return (data.Select(order.narrow(0, count, data.Count - count)), data.Select(order.narrow(0, 0, count)));
    }

    /// <summary>
    /// Exactly <paramref name="perClass"/> seeded random examples of each class, in random order. Fails when a class
    /// has fewer.
    /// </summary>
    public static Dataset LabeledSubset(Dataset data, int perClass, int seed)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Labels is null)
            throw new PretrainException($"{data.Source}: a labeled subset needs labels.");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(perClass);
        using var scope = NewDisposeScope();
        return data.Select(tensor(LabeledSubsetRows(data.Labels, data.ClassCount, perClass, seed, data.Source)));
    }

    /// <summary>
    /// The rows <see cref="LabeledSubset"/> keeps, from the labels alone (int64 [N], classes 0..<paramref name="classCount"/>-1):
    /// for data whose features are not in memory (shards), which are then read for these rows only.
    /// </summary>
    public static long[] LabeledSubsetRows(Tensor labels, int classCount, int perClass, int seed, string source)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(perClass);
        using var scope = NewDisposeScope();
        using var generator = new Generator((ulong)seed);
        var order = randperm(labels.shape[0], generator: generator);
        var shuffledLabels = labels.cpu().index_select(0, order).data<long>().ToArray();
        var rows = order.data<long>().ToArray();
        var taken = new int[classCount];
        var chosen = new List<long>();
        for (var i = 0; i < shuffledLabels.Length; i++)
        {
            if (taken[shuffledLabels[i]] < perClass)
            {
                taken[shuffledLabels[i]]++;
                chosen.Add(rows[i]);
            }
        }
        var shortClass = Array.FindIndex(taken, t => t < perClass);
        if (shortClass >= 0)
            throw new PretrainException($"{source}: class {shortClass} has only {taken[shortClass]} examples, fewer than the {perClass} per class asked for.");
        return chosen.ToArray();
    }
}
