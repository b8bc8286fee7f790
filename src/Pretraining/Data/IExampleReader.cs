using static TorchSharp.torch;

namespace Pretrain.Pretraining.Data;

/// <summary>
/// A data file read a batch of examples at a time, so that applying a network to a file larger than memory keeps
/// memory flat (what <c>pretrain predict</c> does). Readers: <see cref="CsvExampleReader"/>,
/// <see cref="NpyExampleReader"/> (also for <c>.npz</c> archives, <see cref="NpzExampleReader"/>),
/// <see cref="IdxExampleReader"/> and <see cref="Images.ImageFolderExampleReader"/> stream the file or folder;
/// <see cref="DatasetExampleReader"/> serves a <see cref="Dataset"/> already in memory. Problems in the data surface as <see cref="DataException"/>s
/// naming the file, when the batch holding them is read.
/// </summary>
public interface IExampleReader : IDisposable
{
    /// <summary>Where the examples come from (the features file), for messages.</summary>
    string Source { get; }

    /// <summary>The shape of one example before flattening, e.g. [28, 28].</summary>
    IReadOnlyList<long> SampleShape { get; }

    /// <summary>Whether batches come with labels.</summary>
    bool HasLabels { get; }

    /// <summary>
    /// How many examples the file holds: exact where its header says it (NPY, IDX, a loaded dataset); for CSV the number
    /// of lines after the header, which quoted line breaks and blank lines make larger than the number of records.
    /// For progress displays.
    /// </summary>
    long ExpectedCount { get; }

    /// <summary>
    /// The next at most <paramref name="maxExamples"/> examples, in file order: features float32 <c>[n, D]</c> and labels
    /// int64 <c>[n]</c> (null when <see cref="HasLabels"/> is false), created in the caller's dispose scope; null after
    /// the last example.
    /// </summary>
    (Tensor Features, Tensor? Labels)? ReadBatch(int maxExamples);
}
