using Pretrain.Auxiliary.Corruptions;
using Pretrain.Auxiliary.Encoders;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pretrain.Auxiliary.Tasks;

/// <summary>
/// Good instances are labelled 1 and their corrupted copies 0; a logistic unit on the encoder tells them apart.
/// Every batch is balanced: each good instance comes with one fresh corruption of itself.
/// </summary>
public sealed class CorruptedVersusGoodTask : IAuxiliaryTask
{
    private readonly ICorruption _corruption;
    private readonly LinearHead _head;

    /// <summary>Creates the task with a fresh head for an encoder of <paramref name="encoderOutputs"/> units.</summary>
    public CorruptedVersusGoodTask(ICorruption corruption, int encoderOutputs, Device device, Generator generator)
    {
        _corruption = corruption ?? throw new ArgumentNullException(nameof(corruption));
        _head = new LinearHead(encoderOutputs, device, generator);
    }

    /// <inheritdoc />
    public string Name => "corruptedVsGood";

    /// <inheritdoc />
    public string ScoreName => "heldOutAccuracy";

    /// <inheritdoc />
    public IEnumerable<Parameter> HeadParameters => _head.Parameters;

    /// <inheritdoc />
    public Tensor Loss(AuxiliaryEncoder encoder, Tensor batch, Tensor? labels, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        var (logits, targets) = Logits(encoder, batch, generator);
        return nn.functional.binary_cross_entropy_with_logits(logits, targets);
    }

    /// <inheritdoc />
    public (double Correct, long Count) Score(AuxiliaryEncoder encoder, Tensor batch, Tensor? labels, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        var (logits, targets) = Logits(encoder, batch, generator);
        var correct = ((logits > 0).to(ScalarType.Float32) == targets).sum().item<long>();
        return (correct, targets.shape[0]);
    }

    /// <inheritdoc />
    public void Dispose() => _head.Dispose();

    private (Tensor Logits, Tensor Targets) Logits(AuxiliaryEncoder encoder, Tensor batch, Generator generator)
    {
        var bad = _corruption.Corrupt(batch, generator);
        var logits = _head.Forward(encoder.Forward(cat([batch, bad])));
        var n = batch.shape[0];
        var targets = cat([ones([n], device: batch.device), zeros([n], device: batch.device)]);
        return (logits, targets);
    }
}
