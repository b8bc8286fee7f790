namespace Pretrain.Auxiliary.Corruptions;

/// <summary>How a replacement token is drawn from the vocabulary.</summary>
public enum TokenSampling
{
    /// <summary>Every regular vocabulary token equally likely.</summary>
    Uniform,

    /// <summary>In proportion to the token's count in the corpus (frequent words are the harder negatives).</summary>
    Unigram,
}
