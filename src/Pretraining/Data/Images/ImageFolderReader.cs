using static TorchSharp.torch;

namespace Pretrain.Pretraining.Data.Images;

/// <summary>
/// Reads a folder of PNG or JPEG images into a <see cref="Dataset"/> of samples <c>[C, H, W]</c> with 0..255 values
/// (see <see cref="ImageFolderIndex"/> for the layout and <see cref="ImageDecoding"/> for the conversion). Files are
/// decoded on several threads, a chunk at a time straight into the features tensor, so memory beyond the result
/// stays at one chunk of bytes however many images there are.
/// </summary>
public static class ImageFolderReader
{
    /// <summary>Images per chunk at most: enough to keep every core busy.</summary>
    private const int ChunkImages = 512;

    /// <summary>Bytes per chunk at most, so large images take fewer per chunk.</summary>
    private const int ChunkBytes = 256 << 20;

    /// <summary>Reads a folder per class; labels follow <paramref name="classNames"/> when given (e.g. a test folder).</summary>
    public static Dataset LoadLabeled(string root, ImageDecoding decoding, IReadOnlyList<string>? classNames = null) =>
        Load(ImageFolderIndex.Labeled(root, classNames), decoding);

    /// <summary>Reads every image under <paramref name="root"/>, without labels.</summary>
    public static Dataset LoadUnlabeled(string root, ImageDecoding decoding) => Load(ImageFolderIndex.Unlabeled(root), decoding);

    /// <summary>Decodes the files of <paramref name="index"/>; a file that cannot be decoded fails with its path.</summary>
    public static Dataset Load(ImageFolderIndex index, ImageDecoding decoding)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(decoding);
        decoding.Check();
        var size = decoding.SampleSize;
        var count = index.Files.Count;
        using var scope = NewDisposeScope();
        var features = empty([count, size], ScalarType.Float32);
        var rows = Math.Min(count, Math.Clamp(ChunkBytes / size, 1, ChunkImages));
        var buffer = new byte[rows * size];
        for (var start = 0; start < count; start += rows)
        {
            var n = Math.Min(rows, count - start);
            DecodeChunk(index.Files, start, n, decoding, buffer);
            using var chunk = tensor(buffer, [rows, size]); // uint8 [rows, C*H*W]; the copy below converts to float32
            features.narrow(0, start, n).copy_(chunk.narrow(0, 0, n));
        }
        var labels = index.Labels is null ? null : tensor(index.Labels.ToArray());
        return new Dataset(features.MoveToOuterDisposeScope(), labels?.MoveToOuterDisposeScope(), decoding.SampleShape,
            Path.GetFileName(Path.TrimEndingDirectorySeparator(index.Root)), index.Labels is null ? null : index.ClassNames.Count);
    }

    /// <summary>
    /// Decodes files <paramref name="start"/>..+<paramref name="n"/> into <paramref name="buffer"/> in parallel. When
    /// several fail, the first in file order is reported, so the message does not depend on thread timing.
    /// </summary>
    internal static void DecodeChunk(IReadOnlyList<string> files, int start, int n, ImageDecoding decoding, byte[] buffer)
    {
        var size = decoding.SampleSize;
        var failures = new DataException?[n];
        Parallel.For(0, n, i =>
        {
            try
            {
                ImageDecoder.Decode(files[start + i], decoding, buffer.AsSpan(i * size, size));
            }
            catch (DataException e)
            {
                failures[i] = e;
            }
        });
        if (failures.FirstOrDefault(f => f is not null) is { } failure)
            throw failure;
    }
}
