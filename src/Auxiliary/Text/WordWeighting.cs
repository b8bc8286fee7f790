namespace Pretrain.Auxiliary.Text;

/// <summary>How a document classifier weighs a document's words when it averages them.</summary>
public enum WordWeighting
{
    /// <summary>Every word alike: a plain average.</summary>
    Uniform,

    /// <summary>Frequent words count less: smooth inverse frequency, <see cref="WordWeights.Frequency"/>.</summary>
    Frequency,
}
