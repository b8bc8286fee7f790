using static TorchSharp.torch;

namespace Pretrain.Auxiliary.Corruptions;

/// <summary>
/// A corruption whose two views of one instance are drawn together rather than independently, for example the two
/// halves of a document's words. Same-versus-different tasks take both views from here when the corruption offers it.
/// </summary>
public interface IViewPair : ICorruption
{
    /// <summary>Two views of every instance of <paramref name="batch"/>, each shaped like it, drawn from <paramref name="generator"/> only.</summary>
    (Tensor First, Tensor Second) Views(Tensor batch, Generator generator);
}
