using static TorchSharp.torch;

namespace Pretrain.Pretraining.IO;

/// <summary>Maps between safetensors dtype names and TorchSharp scalar types.</summary>
internal static class SafeTensorsDtype
{
    private static readonly (string Name, ScalarType Type, int Size)[] Table =
    [
        ("F32", ScalarType.Float32, 4), ("F64", ScalarType.Float64, 8), ("BF16", ScalarType.BFloat16, 2),
        ("F16", ScalarType.Float16, 2), ("I64", ScalarType.Int64, 8), ("I32", ScalarType.Int32, 4), ("U8", ScalarType.Byte, 1),
    ];

    public static string Supported => string.Join(", ", Table.Select(t => t.Name));

    public static ScalarType? Parse(string name)
    {
        foreach (var entry in Table)
        {
            if (entry.Name == name)
                return entry.Type;
        }
        return null;
    }

    public static string Name(ScalarType type)
    {
        foreach (var entry in Table)
        {
            if (entry.Type == type)
                return entry.Name;
        }
        throw new ArgumentException($"cannot store {type} in safetensors; supported: {Supported}.", nameof(type));
    }

    public static int Size(ScalarType type) => Table.First(t => t.Type == type).Size;
}
