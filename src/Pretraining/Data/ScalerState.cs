namespace Pretrain.Pretraining.Data;

/// <summary>
/// What a fitted scaler learned, saved with a model so new inputs are scaled the same way:
/// <c>y = (x - Offset) / Scale</c> per feature. A single value in <see cref="Offset"/> or <see cref="Scale"/> applies
/// to every feature.
/// </summary>
/// <param name="Kind"><c>none</c>, <c>unit</c> or <c>standardize</c>.</param>
/// <param name="Offset">Subtracted from each feature.</param>
/// <param name="Scale">Each feature is then divided by this.</param>
public sealed record ScalerState(string Kind, IReadOnlyList<float> Offset, IReadOnlyList<float> Scale);
