namespace Pretrain.Pretraining.Training;

/// <summary>
/// Handed to callbacks at the end of each epoch so they can end training cleanly (a time budget, a target reached)
/// without throwing: the loop finishes the epoch's bookkeeping, restores the best weights and returns normally.
/// </summary>
public sealed class TrainingControl
{
    /// <summary>Why a stop was requested, or null while none was.</summary>
    public string? StopReason { get; private set; }

    /// <summary>True once <see cref="RequestStop"/> was called.</summary>
    public bool StopRequested => StopReason is not null;

    /// <summary>Asks the loop to stop after the current epoch; <paramref name="reason"/> goes to the log.</summary>
    public void RequestStop(string reason) => StopReason ??= string.IsNullOrWhiteSpace(reason) ? "stop requested" : reason;
}
