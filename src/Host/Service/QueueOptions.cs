namespace Pretrain.Host.Service;

/// <summary>How <c>pretrain serve</c> runs its queue.</summary>
internal sealed record QueueOptions
{
    /// <summary>The queue folder (inbox/, running/, done/, failed/, runs/, status.json).</summary>
    public required string Root { get; init; }

    /// <summary>Jobs run at once (1: one after another).</summary>
    public int Parallel { get; init; } = 1;

    /// <summary>How often the inbox is looked at.</summary>
    public TimeSpan Poll { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Stop once nothing is waiting or running (batch use and tests) instead of watching forever.</summary>
    public bool ExitWhenEmpty { get; init; }

    /// <summary>Where run folders go: <c>QUEUE/runs</c> unless given.</summary>
    public string? RunsFolder { get; init; }
}
