using static TorchSharp.torch;

namespace Pretrain.Auxiliary.Tests.Tasks;

/// <summary>
/// Four classes, each lighting up its own block of 6 signal features, beside 16 independent noisy features with a
/// larger spread. Swapping features with another row leaves the noisy features' distribution unchanged but leaves
/// two half-lit blocks instead of one fully lit block, so a corrupted-versus-good encoder must learn the very features
/// that carry the class.
/// </summary>
internal static class SyntheticData
{
    public const int Classes = 4;
    public const int Block = 6;
    public const int Signal = Block * Classes;
    public const int Noise = 16;
    public const int Features = Signal + Noise;

    public static (Tensor X, Tensor Y) Make(int count, int seed)
    {
        using var g = new Generator((ulong)seed);
        using var scope = NewDisposeScope();
        var y = randint(0, Classes, [count], generator: g);
        var strength = rand([count, 1], generator: g) * 0.5 + 1;
        var pairs = nn.functional.one_hot(y, Classes).to(ScalarType.Float32).repeat_interleave(Block, dim: 1);
        var signal = pairs * strength + 0.3f * randn([count, Signal], generator: g);
        var noise = 2 * randn([count, Noise], generator: g);
        return (cat([signal, noise], 1).MoveToOuterDisposeScope(), y.MoveToOuterDisposeScope());
    }
}
