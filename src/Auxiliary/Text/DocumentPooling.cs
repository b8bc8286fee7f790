namespace Pretrain.Auxiliary.Text;

/// <summary>What a <see cref="DocumentClassifier"/> averages over a document's words before its softmax layer.</summary>
public enum DocumentPooling
{
    /// <summary>The whole window encoder's output for the window centred on each word.</summary>
    Windows,

    /// <summary>Only each word's embedding: the lowest layer of the encoder, reused alone.</summary>
    Words,
}
