namespace Pretrain.FineTuning.Training;

/// <summary>Where batch normalization's running statistics come from during consistency training.</summary>
public enum ConsistencyBatchNorm
{
    /// <summary>
    /// The labeled batch and the strongly changed unlabeled views pass through the network together, so each batch
    /// normalization sees them as one batch and its running statistics (used in evaluation mode, for validation, testing
    /// and the clean views' labels) follow that mixture, three-quarters strong views at the default ratio.
    /// </summary>
    Shared,

    /// <summary>
    /// The labeled batch passes alone and alone updates the running statistics; the strong views pass after it, each
    /// batch normalization using their own batch statistics but keeping none of them. The running statistics then
    /// describe images as the network is evaluated on them, not as they are strongly changed.
    /// </summary>
    Labeled,
}
