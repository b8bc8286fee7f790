using SkiaSharp;

namespace Pretrain.Pretraining.Data.Images;

/// <summary>
/// Decodes one PNG or JPEG file with SkiaSharp into <c>[C, H, W]</c> bytes. Every call works on its own codec and
/// bitmaps, so files can be decoded on several threads at once.
/// </summary>
internal static class ImageDecoder
{
    // Bilinear between mipmap levels: a plain bilinear filter aliases when a large photo shrinks to a few pixels.
    private static readonly SKSamplingOptions Sampling = new(SKFilterMode.Linear, SKMipmapMode.Linear);

    private const string Truncated = "the image is truncated: the file ends before its pixels do.";

    /// <summary>
    /// Decodes <paramref name="file"/> into <paramref name="destination"/> (<see cref="ImageDecoding.SampleSize"/>
    /// bytes, channels first). Throws <see cref="DataException"/> naming the file when it cannot be read or decoded.
    /// </summary>
    public static void Decode(string file, ImageDecoding decoding, Span<byte> destination)
    {
        if (destination.Length != decoding.SampleSize)
            throw new ArgumentException($"expected a destination of {decoding.SampleSize} bytes, received {destination.Length}.", nameof(destination));
        using var rgba = DecodeRgba(file);
        using var sized = rgba.Width == decoding.Width && rgba.Height == decoding.Height
            ? null
            : rgba.Resize(new SKImageInfo(decoding.Width, decoding.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul), Sampling)
              ?? throw new DataException(file, $"could not resize the {rgba.Width}x{rgba.Height} image to {decoding.Width}x{decoding.Height}.");
        var image = sized ?? rgba;
        ToPlanes(image.GetPixelSpan(), image.RowBytes, decoding, destination);
    }

    /// <summary>The whole image as unpremultiplied RGBA, so colours are kept whatever the alpha.</summary>
    private static SKBitmap DecodeRgba(string file)
    {
        FileStream stream;
        try
        {
            stream = File.OpenRead(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataException(file, $"cannot read the file: {e.Message}", e);
        }
        using (stream)
        using (var codec = SKCodec.Create(stream, out var created)
            ?? throw new DataException(file, created == SKCodecResult.IncompleteInput ? Truncated : $"not an image SkiaSharp can decode ({created}); expected a PNG or JPEG file."))
        {
            var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
            var bitmap = new SKBitmap(info);
            var result = codec.GetPixels(info, bitmap.GetPixels());
            if (result != SKCodecResult.Success)
            {
                bitmap.Dispose();
                // A truncated file decodes partly (IncompleteInput); PIL refuses those too rather than train on blank rows.
                throw new DataException(file, result == SKCodecResult.IncompleteInput ? Truncated : $"the {codec.EncodedFormat} image could not be decoded ({result}).");
            }
            return bitmap;
        }
    }

    /// <summary>
    /// RGBA rows (4 bytes a pixel, <paramref name="rowBytes"/> apart) to channel planes: R, G, B, or the luma
    /// L = (299 R + 587 G + 114 B) / 1000 rounded, which leaves a grey pixel's value unchanged.
    /// </summary>
    private static void ToPlanes(ReadOnlySpan<byte> rgba, int rowBytes, ImageDecoding decoding, Span<byte> destination)
    {
        var pixels = decoding.Height * decoding.Width;
        for (var p = 0; p < pixels; p++)
        {
            var at = p / decoding.Width * rowBytes + p % decoding.Width * 4;
            var (r, g, b) = (rgba[at], rgba[at + 1], rgba[at + 2]);
            if (decoding.Channels == 1)
            {
                destination[p] = (byte)((r * 299 + g * 587 + b * 114 + 500) / 1000);
                continue;
            }
            destination[p] = r;
            destination[pixels + p] = g;
            destination[2 * pixels + p] = b;
        }
    }
}
