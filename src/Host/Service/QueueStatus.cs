namespace Pretrain.Host.Service;

/// <summary>What <c>status.json</c> says about a queue: written by the service after every epoch and job change.</summary>
public sealed record QueueStatus
{
    /// <summary>When the file was written.</summary>
    public required DateTimeOffset Updated { get; init; }

    /// <summary>The serving process's id.</summary>
    public required int ProcessId { get; init; }

    /// <summary>Jobs waiting in the inbox, in the order they will run.</summary>
    public required IReadOnlyList<string> Waiting { get; init; }

    /// <summary>Jobs running now.</summary>
    public required IReadOnlyList<RunningJob> Running { get; init; }

    /// <summary>Jobs finished so far (in done/).</summary>
    public required int Done { get; init; }

    /// <summary>Jobs failed so far (in failed/).</summary>
    public required int Failed { get; init; }
}

/// <summary>A running job and how far it has got.</summary>
public sealed record RunningJob
{
    /// <summary>The recipe's file name in the queue.</summary>
    public required string Job { get; init; }

    /// <summary>Its run folder, once created.</summary>
    public string? RunFolder { get; init; }

    /// <summary>The stage now training (for example <c>layer 2 (autoencoder)</c> or <c>supervised</c>).</summary>
    public string? Stage { get; init; }

    /// <summary>The last finished epoch of that stage.</summary>
    public int? Epoch { get; init; }

    /// <summary>That epoch's metrics.</summary>
    public IReadOnlyDictionary<string, double>? Metrics { get; init; }
}
