namespace Pretrain.Pretraining.Data.Images;

/// <summary>
/// How image files become examples: every image is decoded, converted to <see cref="Channels"/> channels and resized
/// to <see cref="Height"/> x <see cref="Width"/>, giving one sample of shape <c>[Channels, Height, Width]</c> with
/// 0..255 values (channels first, as convolutional layers read them).
/// </summary>
/// <param name="Channels">1 (grayscale, ITU-R 601-2 luma as PIL's <c>convert("L")</c>) or 3 (RGB; alpha is dropped).</param>
/// <param name="Height">Rows after resizing (positive).</param>
/// <param name="Width">Columns after resizing (positive).</param>
public sealed record ImageDecoding(int Channels, int Height, int Width)
{
    /// <summary>The shape of one decoded sample, <c>[Channels, Height, Width]</c>.</summary>
    public IReadOnlyList<long> SampleShape => [Channels, Height, Width];

    /// <summary>Values per decoded sample.</summary>
    public int SampleSize => Channels * Height * Width;

    /// <summary>Throws <see cref="ArgumentException"/> unless the channels are 1 or 3 and the size is positive.</summary>
    public void Check()
    {
        if (Channels is not (1 or 3))
            throw new ArgumentException($"channels: expected 1 (grayscale) or 3 (RGB), received {Channels}.");
        if (Height < 1 || Width < 1 || (long)Channels * Height * Width > int.MaxValue)
            throw new ArgumentException($"size: expected a positive height and width, received {Height}x{Width}.");
    }
}
