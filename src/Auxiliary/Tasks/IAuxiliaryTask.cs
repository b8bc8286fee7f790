using Pretrain.Auxiliary.Encoders;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pretrain.Auxiliary.Tasks;

/// <summary>
/// A pretraining task whose labels are free. The task owns its head (the layers above the shared encoder that the
/// target task throws away); <see cref="AuxiliaryTrainer"/> owns the loop.
/// </summary>
public interface IAuxiliaryTask : IDisposable
{
    /// <summary>The task's recipe name, for example <c>corruptedVsGood</c>.</summary>
    string Name { get; }

    /// <summary>The name of the held-out score, for example <c>heldOutAccuracy</c>.</summary>
    string ScoreName { get; }

    /// <summary>The head's trainable tensors.</summary>
    IEnumerable<Parameter> HeadParameters { get; }

    /// <summary>The training loss on one batch of good instances (and their labels, when the task uses any).</summary>
    Tensor Loss(AuxiliaryEncoder encoder, Tensor batch, Tensor? labels, Generator generator);

    /// <summary>How many of a held-out batch's decisions were right, and out of how many.</summary>
    (double Correct, long Count) Score(AuxiliaryEncoder encoder, Tensor batch, Tensor? labels, Generator generator);
}
