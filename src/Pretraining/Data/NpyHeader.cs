namespace Pretrain.Pretraining.Data;

/// <summary>What a <c>.npy</c> file's header says, checked against the file's length (<see cref="NpyReader.ReadHeader"/>).</summary>
/// <param name="Shape">The array's shape.</param>
/// <param name="Dtype">NumPy's dtype descriptor, e.g. <c>&lt;f4</c>.</param>
/// <param name="DataOffset">Where the values start in the file.</param>
/// <param name="DataBytes">How many bytes the values take (the product of the shape times the element size).</param>
/// <param name="FileLength">The file's length in bytes.</param>
public sealed record NpyHeader(IReadOnlyList<long> Shape, string Dtype, long DataOffset, long DataBytes, long FileLength);
