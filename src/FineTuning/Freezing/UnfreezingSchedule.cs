namespace Pretrain.FineTuning.Freezing;

/// <summary>
/// Gradual unfreezing by epoch (ULMFiT): how many layers, counted from the top, are trainable. Without a period every
/// layer is trainable from the first epoch. Fine-tuning (<c>TrainableSchedule</c>) and the text document classifier
/// both count with this.
/// </summary>
/// <param name="Layers">Number of layers with parameters.</param>
/// <param name="Every">Epochs between two unfreezings; null trains everything at once.</param>
public sealed record UnfreezingSchedule(int Layers, int? Every)
{
    /// <summary>Trainable layers from the top at 1-based <paramref name="epoch"/>.</summary>
    public int TrainableAt(int epoch) => Every is int every ? Math.Min(Layers, 1 + (epoch - 1) / every) : Layers;

    /// <summary>The first epoch at which every layer is trainable.</summary>
    public int AllTrainableFrom => Every is int every ? 1 + (Layers - 1) * every : 1;
}
