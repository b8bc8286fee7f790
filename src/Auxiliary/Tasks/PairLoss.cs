namespace Pretrain.Auxiliary.Tasks;

/// <summary>The loss of the same-versus-different task.</summary>
public enum PairLoss
{
    /// <summary>A logistic unit on |e1 - e2| and e1 * e2, binary cross-entropy.</summary>
    BinaryCrossEntropy,

    /// <summary>Distances between the two encodings with <see cref="ContrastiveLoss"/>; "same" when closer than half the margin.</summary>
    Contrastive,

    /// <summary>
    /// <see cref="NtXentLoss"/> (SimCLR's InfoNCE) on a projection head: two corruptions (augmentations) of each instance
    /// are "same", every other instance of the batch "different"; the held-out score is the share of views whose most
    /// similar other view is their partner.
    /// </summary>
    NtXent,
}
