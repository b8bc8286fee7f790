using Pretrain.Pretraining.IO;
using Pretrain.Pretraining.Tests.Data.Images;
using SkiaSharp;

namespace Pretrain.Recipes.Tests.Support;

/// <summary>
/// Tiny seeded image data sets for recipe runs: class <c>top</c> has a bright upper half, class <c>bottom</c> a bright
/// lower half, both with noise, so a classifier can tell them apart from a handful of examples.
/// </summary>
internal static class ImageData
{
    public static readonly string[] Classes = ["bottom", "top"];

    /// <summary>Pixel (x, y) of example <paramref name="index"/> of <paramref name="label"/> (0 bottom, 1 top), 0..255.</summary>
    public static byte Pixel(int label, int index, int x, int y, int size)
    {
        var bright = (y < size / 2) == (label == 1);
        // An integer hash, so that no two examples share their noise (copies must be made on purpose).
        var h = unchecked((uint)(index * 73856093) ^ (uint)(x * 19349663) ^ (uint)(y * 83492791) ^ (uint)(label * 1640531527));
        h = unchecked((h ^ (h >> 13)) * 0x5bd1e995u);
        var noise = (int)((h ^ (h >> 15)) % 40);
        return (byte)(bright ? 200 + noise / 2 : noise);
    }

    /// <summary>Writes ROOT/CLASS/NNN.png, <paramref name="perClass"/> images of each class, starting at index <paramref name="first"/>.</summary>
    public static string Folder(string root, int perClass, int size = 8, int first = 0)
    {
        for (var label = 0; label < Classes.Length; label++)
            for (var i = first; i < first + perClass; i++)
            {
                var (l, n) = (label, i);
                ImageFiles.Write(Path.Combine(root, Classes[label], $"{i:D3}.png"), size, size, (x, y) =>
                {
                    var v = Pixel(l, n, x, y, size);
                    return new SKColor(v, v, v);
                });
            }
        return root;
    }

    /// <summary>The same examples as uint8 [N, 1, S, S] and int64 [N] .npy files; returns both paths.</summary>
    public static (string Features, string Labels) Npy(string folder, int perClass, int size = 8)
    {
        var (pixels, labels) = Arrays(perClass, size);
        using var x = TorchSharp.torch.tensor(pixels, [labels.Length, 1, size, size]);
        using var y = TorchSharp.torch.tensor(labels);
        var (features, labelsPath) = (Path.Combine(folder, "x.npy"), Path.Combine(folder, "y.npy"));
        NpyWriter.Write(features, x);
        NpyWriter.Write(labelsPath, y);
        return (features, labelsPath);
    }

    /// <summary>The same examples as CSV rows: the label, then S*S pixel values.</summary>
    public static string Csv(string path, int perClass, int size = 8)
    {
        var (pixels, labels) = Arrays(perClass, size);
        var width = size * size;
        File.WriteAllLines(path, labels.Select((label, n) => $"{label}," + string.Join(",", pixels.Skip(n * width).Take(width))));
        return path;
    }

    private static (byte[] Pixels, long[] Labels) Arrays(int perClass, int size)
    {
        var pixels = new List<byte>();
        var labels = new List<long>();
        for (var i = 0; i < perClass; i++)
            for (var label = 0; label < Classes.Length; label++)
            {
                for (var y = 0; y < size; y++)
                    for (var x = 0; x < size; x++)
                        pixels.Add(Pixel(label, i, x, y, size));
                labels.Add(label);
            }
        return ([.. pixels], [.. labels]);
    }
}
