using System.Security.Cryptography;
using static TorchSharp.torch;

namespace Pretrain.Recipes.Pipeline;

/// <summary>
/// A fingerprint per example (the first 128 bits of the SHA-256 of its float32 values), to find exact copies between
/// data sets without holding their rows twice; two different rows share one with negligible probability (2^-128).
/// </summary>
internal static class RowFingerprints
{
    /// <summary>Bytes fingerprinted per step at most: bounds the CPU copy of a chunk (and keeps its span's length an int).</summary>
    private const long ChunkBytes = 64 << 20;

    /// <summary>One fingerprint per row of <paramref name="features"/> (float32 [N, D]), in row order.</summary>
    public static UInt128[] Of(Tensor features)
    {
        ArgumentNullException.ThrowIfNull(features);
        var (rows, width) = (features.shape[0], (int)features.shape[1]);
        var prints = new UInt128[rows];
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        var chunkRows = Math.Max(1, ChunkBytes / ((long)width * sizeof(float)));
        for (long start = 0; start < rows; start += chunkRows)
        {
            using var scope = NewDisposeScope();
            var count = Math.Min(chunkRows, rows - start);
            var chunk = features.narrow(0, start, count).cpu().contiguous();
            var bytes = chunk.bytes;
            for (var i = 0; i < count; i++)
            {
                SHA256.HashData(bytes.Slice(i * width * sizeof(float), width * sizeof(float)), hash);
                prints[start + i] = BitConverter.ToUInt128(hash);
            }
        }
        return prints;
    }
}
