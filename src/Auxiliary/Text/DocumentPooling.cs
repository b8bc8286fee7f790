namespace Pretrain.Auxiliary.Text;

/// <summary>What a <see cref="DocumentClassifier"/> pools over a document's words before its softmax layer.</summary>
public enum DocumentPooling
{
    /// <summary>The whole window encoder's output for the window centred on each word.</summary>
    Windows,

    /// <summary>Only each word's embedding: the lowest layer of the encoder, reused alone.</summary>
    Words,

    /// <summary>
    /// The window encoder's outputs max-pooled over the document's positions: the encoder applied convolution-style
    /// over the whole document, the "sentence approach" of Collobert et al. (2011).
    /// </summary>
    MaxWindows,
}
