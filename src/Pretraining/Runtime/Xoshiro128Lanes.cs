using System.Runtime.Intrinsics;

namespace Pretrain.Pretraining.Runtime;

/// <summary>
/// Eight independent xoshiro128** generators (Blackman and Vigna, 2018) stepped together in one 256-bit vector, each
/// seeded from its own SplitMix64 output, writing uniform float32 values in [0, 1) with 24 random bits each.
/// </summary>
/// <remarks>
/// Why our own generator: libtorch draws CPU random numbers one at a time from a locked Mersenne Twister, about 6 ns a
/// value here, so the masks and samples of a training step (100,000 to 200,000 draws a batch for a 784-500 DAE or RBM)
/// cost 10-20% of the step. Eight lanes of xoshiro128** take a few vector instructions for eight values. .NET's own
/// xoshiro (<see cref="Random"/> without a seed) cannot be seeded, and no maintained .NET package offers a seeded,
/// vectorized generator; the algorithm is a dozen lines, public domain, and tested here for its moments and determinism.
/// </remarks>
internal struct Xoshiro128Lanes
{
    private const float Unit = 1f / (1 << 24);

    private Vector256<uint> _s0, _s1, _s2, _s3;

    public Xoshiro128Lanes(ulong seed)
    {
        Span<uint> words = stackalloc uint[32];
        for (var i = 0; i < words.Length; i += 2)
        {
            var z = SplitMix64(ref seed);
            words[i] = (uint)z;
            words[i + 1] = (uint)(z >> 32);
        }
        // xoshiro's state must not be all zero in any lane; SplitMix64 outputs are never zero four words in a row in practice, but make sure.
        for (var lane = 0; lane < 8; lane++)
            if ((words[lane] | words[8 + lane] | words[16 + lane] | words[24 + lane]) == 0)
                words[lane] = 0x9E3779B9u;
        _s0 = Vector256.Create<uint>(words[..8]);
        _s1 = Vector256.Create<uint>(words[8..16]);
        _s2 = Vector256.Create<uint>(words[16..24]);
        _s3 = Vector256.Create<uint>(words[24..32]);
    }

    /// <summary>Fills <paramref name="destination"/> with uniform values in [0, 1).</summary>
    public void Fill(Span<float> destination)
    {
        var unit = Vector256.Create(Unit);
        var i = 0;
        for (; i + 8 <= destination.Length; i += 8)
            (Vector256.ConvertToSingle(Vector256.ShiftRightLogical(Next(), 8).AsInt32()) * unit).CopyTo(destination[i..]);
        if (i < destination.Length)
        {
            Span<float> last = stackalloc float[8];
            (Vector256.ConvertToSingle(Vector256.ShiftRightLogical(Next(), 8).AsInt32()) * unit).CopyTo(last);
            last[..(destination.Length - i)].CopyTo(destination[i..]);
        }
    }

    private Vector256<uint> Next()
    {
        var result = RotateLeft(_s1 * 5u, 7) * 9u;
        var t = Vector256.ShiftLeft(_s1, 9);
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 11);
        return result;
    }

    private static Vector256<uint> RotateLeft(Vector256<uint> x, int k) =>
        Vector256.ShiftLeft(x, k) | Vector256.ShiftRightLogical(x, 32 - k);

    private static ulong SplitMix64(ref ulong state)
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
