namespace Pretrain.Pretraining.Training;

/// <summary>How an <see cref="EpochLoop"/> runs: how long, what it watches, whether it stops early and restores the best epoch.</summary>
public sealed record EpochLoopSettings
{
    /// <summary>The stage's name in logs, callbacks and checkpoints, e.g. <c>supervised</c> or <c>layer 2 (rbm)</c>.</summary>
    public required string Stage { get; init; }

    /// <summary>The most epochs to run.</summary>
    public required int Epochs { get; init; }

    /// <summary>The metric that decides the best epoch; null tracks none (the last epoch's weights are kept).</summary>
    public MonitoredMetric? Monitor { get; init; }

    /// <summary>Stop after this many epochs without improving <see cref="Monitor"/>; null never stops early.</summary>
    public int? Patience { get; init; }

    /// <summary>
    /// No early stop before this epoch (1-based; default 0, any epoch): a schedule that changes what trains, such as
    /// gradual unfreezing, gets to finish before a plateau of its first phase ends the stage.
    /// </summary>
    public int EarliestStop { get; init; }

    /// <summary>Copy the best epoch's weights back at the end (when <see cref="Monitor"/> was measured). Default true.</summary>
    public bool RestoreBest { get; init; } = true;

    /// <summary>
    /// Log every epoch at Information level (default). Loops that run hundreds of short epochs inside a bigger stage
    /// (the linear probe, document classifiers) log them at Debug so they do not drown the run's log.
    /// </summary>
    public bool LogEpochs { get; init; } = true;
}
