using Pretrain.Auxiliary.Corruptions;
using Pretrain.Auxiliary.Encoders;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pretrain.Auxiliary.Tasks;

/// <summary>
/// Max-margin pairwise scoring: a linear score on the encoder, trained so that every good instance scores at least
/// <see cref="Margin"/> above a fresh corruption of itself (<see cref="MarginRankingLoss"/>). The held-out score is
/// the fraction of (good, corrupted) pairs ranked the right way round.
/// </summary>
public sealed class PairwiseRankingTask : IAuxiliaryTask
{
    private readonly ICorruption _corruption;
    private readonly LinearHead _head;

    /// <summary>Creates the task with a fresh scoring unit.</summary>
    public PairwiseRankingTask(ICorruption corruption, int encoderOutputs, double margin, Device device, Generator generator)
    {
        _corruption = corruption ?? throw new ArgumentNullException(nameof(corruption));
        if (!(margin > 0))
            throw new ArgumentException($"ranking task: the margin must be positive, received {margin}.");
        Margin = margin;
        _head = new LinearHead(encoderOutputs, device, generator);
    }

    /// <summary>The margin a good instance must win by.</summary>
    public double Margin { get; }

    /// <inheritdoc />
    public string Name => "ranking";

    /// <inheritdoc />
    public string ScoreName => "correctRanking";

    /// <inheritdoc />
    public IEnumerable<Parameter> HeadParameters => _head.Parameters;

    /// <summary>The score of each instance, <c>[N]</c>.</summary>
    public Tensor Scores(AuxiliaryEncoder encoder, Tensor batch)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        return _head.Forward(encoder.Forward(batch));
    }

    /// <inheritdoc />
    public Tensor Loss(AuxiliaryEncoder encoder, Tensor batch, Tensor? labels, Generator generator)
    {
        var (good, bad) = PairScores(encoder, batch, generator);
        return MarginRankingLoss.Compute(good, bad, Margin);
    }

    /// <inheritdoc />
    public (double Correct, long Count) Score(AuxiliaryEncoder encoder, Tensor batch, Tensor? labels, Generator generator)
    {
        var (good, bad) = PairScores(encoder, batch, generator);
        return ((good > bad).sum().item<long>(), good.shape[0]);
    }

    /// <inheritdoc />
    public void Dispose() => _head.Dispose();

    private (Tensor Good, Tensor Bad) PairScores(AuxiliaryEncoder encoder, Tensor batch, Generator generator)
    {
        var bad = _corruption.Corrupt(batch, generator);
        var scores = Scores(encoder, cat([batch, bad]));
        var n = batch.shape[0];
        return (scores.narrow(0, 0, n), scores.narrow(0, n, n));
    }
}
