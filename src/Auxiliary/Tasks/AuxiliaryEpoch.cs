namespace Pretrain.Auxiliary.Tasks;

/// <summary>One epoch of auxiliary training: the mean training loss and the held-out score (null with nothing held out).</summary>
public sealed record AuxiliaryEpoch(int Epoch, double Loss, double? HeldOutScore, double Seconds);
