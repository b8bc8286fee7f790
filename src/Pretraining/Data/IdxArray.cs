namespace Pretrain.Pretraining.Data;

/// <summary>The content of an IDX file: its dimensions (first = examples) and its raw uint8 values in C order.</summary>
/// <param name="Dimensions">Size of each dimension, from the file header.</param>
/// <param name="Data">The values, product(Dimensions) bytes.</param>
public sealed record IdxArray(IReadOnlyList<int> Dimensions, byte[] Data)
{
    /// <summary>Number of examples (the first dimension).</summary>
    public int Count => Dimensions.Count == 0 ? 0 : Dimensions[0];

    /// <summary>Shape of one example (the dimensions after the first).</summary>
    public IReadOnlyList<long> SampleShape => Dimensions.Skip(1).Select(d => (long)d).ToArray();
}
