using Pretrain.Pretraining.Validation;

namespace Pretrain.Auxiliary.Tasks;

/// <summary>The NT-Xent loss's temperature and the projection head it is computed on (SimCLR's defaults scaled to small images).</summary>
public sealed record ContrastiveSettings : IValidatedOptions
{
    /// <summary>Softmax temperature of the cosine similarities. Default 0.5.</summary>
    public double Temperature { get; init; } = 0.5;

    /// <summary>Hidden units of the projection head. Default 256.</summary>
    public int ProjectionHidden { get; init; } = 256;

    /// <summary>Output size of the projection head. Default 64.</summary>
    public int ProjectionSize { get; init; } = 64;

    /// <summary>
    /// Batch normalization (over the batch's views, with a learned scale and shift) between the projection head's
    /// hidden layer and its ReLU, as in SimCLR's head. The head is dropped after pretraining, so nothing of it reaches
    /// the saved stack. Default false.
    /// </summary>
    public bool ProjectionBatchNorm { get; init; }

    /// <inheritdoc />
    public IEnumerable<OptionProblem> Problems()
    {
        if (!(Temperature > 0 && double.IsFinite(Temperature)))
            yield return new("temperature", $"expected a positive number, received {Temperature}.");
        if (ProjectionHidden < 1)
            yield return new("projectionHidden", $"expected a positive integer, received {ProjectionHidden}.");
        if (ProjectionSize < 1)
            yield return new("projectionSize", $"expected a positive integer, received {ProjectionSize}.");
    }
}
