using SkiaSharp;
using static TorchSharp.torch;

namespace Pretrain.Recipes.Reports;

/// <summary>
/// Writes the first-layer filters of an image model as a grey PNG grid: each row of the weight matrix reshaped to
/// the image shape and stretched to its own min..max, the classic picture of what a layer learned.
/// </summary>
internal static class FilterGrid
{
    /// <summary>Writes up to <paramref name="count"/> filters of <paramref name="weight"/> [out, rows*cols].</summary>
    public static void Write(string path, Tensor weight, int rows, int cols, int count = 100, int scale = 2)
    {
        using var scope = NewDisposeScope();
        var filters = weight.detach().cpu().narrow(0, 0, Math.Min(count, weight.shape[0]));
        var low = filters.amin([1], keepdim: true);
        var high = filters.amax([1], keepdim: true);
        var normalized = ((filters - low) / (high - low).clamp_min(1e-12f)).mul(255).to(ScalarType.Byte);
        WriteTiles(path, normalized.data<byte>().ToArray(), (int)normalized.shape[0], rows, cols, scale);
    }

    /// <summary>Writes images given as bytes [n, rows*cols] into a near-square grid, <paramref name="scale"/> pixels per value.</summary>
    public static void WriteTiles(string path, byte[] pixels, int n, int rows, int cols, int scale = 2, int perRow = 0)
    {
        var across = perRow > 0 ? perRow : (int)Math.Ceiling(Math.Sqrt(n));
        var down = (n + across - 1) / across;
        const int gap = 1;
        using var bitmap = new SKBitmap(across * (cols * scale + gap) + gap, down * (rows * scale + gap) + gap, SKColorType.Gray8, SKAlphaType.Opaque);
        bitmap.Erase(new SKColor(64, 64, 64));
        for (var i = 0; i < n; i++)
        {
            var left = gap + (i % across) * (cols * scale + gap);
            var top = gap + (i / across) * (rows * scale + gap);
            for (var r = 0; r < rows * scale; r++)
            {
                for (var c = 0; c < cols * scale; c++)
                {
                    var value = pixels[i * rows * cols + (r / scale) * cols + c / scale];
                    bitmap.SetPixel(left + c, top + r, new SKColor(value, value, value));
                }
            }
        }
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        Pretraining.IO.AtomicFile.Write(path, stream => data.SaveTo(stream));
    }
}
