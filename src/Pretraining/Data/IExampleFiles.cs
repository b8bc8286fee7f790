namespace Pretrain.Pretraining.Data;

/// <summary>
/// A reader whose examples each come from a file of their own (an image folder), so that what is made of an example
/// (a prediction) can be traced back to its file.
/// </summary>
public interface IExampleFiles
{
    /// <summary>
    /// The file of example <paramref name="index"/> (0-based, in the order batches give them), relative to the folder
    /// that was opened, with <c>/</c> between folders whatever the platform.
    /// </summary>
    string FileOf(long index);
}
