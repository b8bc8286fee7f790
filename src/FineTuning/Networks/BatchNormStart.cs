namespace Pretrain.FineTuning.Networks;

/// <summary>How batch normalizations inserted after pretrained layers start fine-tuning.</summary>
public enum BatchNormStart
{
    /// <summary>
    /// As the identity: scale and shift undo the statistics estimated on training examples, so the network computes the
    /// pretrained function at the start.
    /// </summary>
    Identity,

    /// <summary>
    /// As in a network trained from scratch: scale 1 and shift 0, so every pretrained feature is normalized to zero
    /// mean and unit variance over the batch from the first step (its running statistics are still estimated, so the
    /// network evaluates sensibly before its first epoch).
    /// </summary>
    Standard,
}
