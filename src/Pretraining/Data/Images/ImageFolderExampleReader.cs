using static TorchSharp.torch;

namespace Pretrain.Pretraining.Data.Images;

/// <summary>
/// Reads the images of an <see cref="ImageFolderIndex"/> a batch at a time: only the file names are listed when it is
/// opened; each batch's files are decoded (on several threads, as <see cref="ImageFolderReader"/> does) into
/// <c>[n, C*H*W]</c> float32 rows of 0..255 values when the batch is read, so memory stays at one batch however many
/// images the folder holds. A file that is not a decodable image stops the batch holding it with a
/// <see cref="DataException"/> naming the file. What <c>pretrain predict</c> reads an image folder with.
/// </summary>
public sealed class ImageFolderExampleReader : IExampleReader, IExampleFiles
{
    private readonly ImageFolderIndex _index;
    private readonly ImageDecoding _decoding;
    private byte[] _buffer = [];
    private int _next;

    /// <summary>Reads the files of <paramref name="index"/>, decoded as <paramref name="decoding"/> says.</summary>
    public ImageFolderExampleReader(ImageFolderIndex index, ImageDecoding decoding)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(decoding);
        decoding.Check();
        (_index, _decoding) = (index, decoding);
    }

    /// <inheritdoc />
    public string Source => _index.Root;

    /// <inheritdoc />
    public IReadOnlyList<long> SampleShape => _decoding.SampleShape;

    /// <inheritdoc />
    public bool HasLabels => _index.Labels is not null;

    /// <inheritdoc />
    public long ExpectedCount => _index.Files.Count;

    /// <inheritdoc />
    public string FileOf(long index) =>
        Path.GetRelativePath(_index.Root, _index.Files[checked((int)index)]).Replace(Path.DirectorySeparatorChar, '/');

    /// <inheritdoc />
    public (Tensor Features, Tensor? Labels)? ReadBatch(int maxExamples)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxExamples);
        var count = Math.Min(maxExamples, _index.Files.Count - _next);
        if (count <= 0)
            return null;
        var size = _decoding.SampleSize;
        if (_buffer.Length < (long)count * size)
            _buffer = new byte[checked(count * size)];
        ImageFolderReader.DecodeChunk(_index.Files, _next, count, _decoding, _buffer);
        using var scope = NewDisposeScope();
        using var bytes = tensor(_buffer, [_buffer.Length / size, size]); // uint8 [rows, C*H*W]: the buffer's capacity, of which count are this batch
        var features = bytes.narrow(0, 0, count).to(ScalarType.Float32);
        var labels = _index.Labels is { } all ? tensor(Enumerable.Range(_next, count).Select(i => all[i]).ToArray()) : null;
        _next += count;
        return (features.MoveToOuterDisposeScope(), labels?.MoveToOuterDisposeScope());
    }

    /// <summary>Nothing to release: files are opened and closed one image at a time.</summary>
    public void Dispose()
    {
    }
}
