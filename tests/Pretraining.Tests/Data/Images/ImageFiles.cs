using SkiaSharp;

namespace Pretrain.Pretraining.Tests.Data.Images;

/// <summary>Writes small PNG and JPEG files with SkiaSharp for the image reader tests.</summary>
internal static class ImageFiles
{
    /// <summary>Writes a <paramref name="width"/>x<paramref name="height"/> image whose pixel (x, y) is <paramref name="color"/>(x, y).</summary>
    public static string Write(string path, int width, int height, Func<int, int, SKColor> color, SKEncodedImageFormat format = SKEncodedImageFormat.Png)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
                bitmap.SetPixel(x, y, color(x, y));
        using var data = bitmap.Encode(format, 100);
        File.WriteAllBytes(path, data.ToArray());
        return path;
    }

    /// <summary>An image of one colour.</summary>
    public static string Plain(string path, int width, int height, SKColor color, SKEncodedImageFormat format = SKEncodedImageFormat.Png) =>
        Write(path, width, height, (_, _) => color, format);

    /// <summary>A grey image of value <paramref name="value"/>.</summary>
    public static string Grey(string path, int size, byte value) => Plain(path, size, size, new SKColor(value, value, value));
}
