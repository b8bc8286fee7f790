using static TorchSharp.torch;

namespace Pretrain.Pretraining.Layers;

/// <summary>
/// Several layer inputs of one sample shape read as one: e.g. training examples streamed from shards beside extra
/// unlabeled examples held in memory, which cannot be concatenated into one tensor. With a generator, each part is
/// shuffled as it shuffles itself and the next batch comes from a part drawn with probability proportional to the rows
/// it has left, so every part is spread over the whole pass instead of coming after the others; without one, the parts
/// come whole, in order. A batch holds rows of one part only. Disposing it disposes the parts it owns.
/// </summary>
public sealed class InterleavedLayerInput : ILayerInput, IDisposable
{
    private readonly IReadOnlyList<ILayerInput> _parts;
    private readonly IReadOnlyList<IDisposable> _owned;

    /// <summary>Reads <paramref name="parts"/> (at least one, all of the first one's sample shape) as one input.</summary>
    /// <param name="parts">The inputs, in the order they come without shuffling.</param>
    /// <param name="owned">Parts disposed with this input (the caller keeps the others).</param>
    public InterleavedLayerInput(IReadOnlyList<ILayerInput> parts, IEnumerable<IDisposable>? owned = null)
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (parts.Count == 0)
            throw new ArgumentException("expected at least one input.", nameof(parts));
        foreach (var part in parts.Skip(1))
            if (!part.SampleShape.SequenceEqual(parts[0].SampleShape))
                throw new ArgumentException($"every part must have examples of shape [{string.Join(", ", parts[0].SampleShape)}], received [{string.Join(", ", part.SampleShape)}].", nameof(parts));
        _parts = parts;
        _owned = owned?.ToList() ?? [];
    }

    /// <inheritdoc />
    public long Count => _parts.Sum(p => p.Count);

    /// <inheritdoc />
    public int Width => _parts[0].Width;

    /// <inheritdoc />
    public IReadOnlyList<long> SampleShape => _parts[0].SampleShape;

    /// <inheritdoc />
    public IEnumerable<Tensor> Batches(int batchSize, Generator? shuffle, Device device)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        if (shuffle is null)
        {
            foreach (var batch in _parts.SelectMany(p => p.Batches(batchSize, null, device)))
                yield return batch;
            yield break;
        }
        var readers = _parts.Select(p => p.Batches(batchSize, shuffle, device).GetEnumerator()).ToList();
        var left = _parts.Select(p => p.Count).ToArray();
        try
        {
            while (left.Sum() > 0)
            {
                var part = Draw(left, shuffle);
                if (!readers[part].MoveNext())
                    throw new InvalidOperationException($"input {part} ended with {left[part]} of its {_parts[part].Count} rows unread.");
                var batch = readers[part].Current;
                left[part] -= batch.shape[0];
                yield return batch;
            }
        }
        finally
        {
            foreach (var reader in readers)
                reader.Dispose();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var part in _owned)
            part.Dispose();
    }

    // A part with probability proportional to its rows left (one uniform draw from the shuffling generator).
    private static int Draw(long[] left, Generator shuffle)
    {
        double u;
        using (var scope = NewDisposeScope())
            u = rand(1, generator: shuffle, dtype: ScalarType.Float64).item<double>();
        var target = u * left.Sum();
        for (var i = 0; i < left.Length; i++)
        {
            if (target < left[i])
                return i;
            target -= left[i];
        }
        return Array.FindLastIndex(left, l => l > 0);
    }
}
