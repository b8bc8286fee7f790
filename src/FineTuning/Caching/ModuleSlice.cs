using TorchSharp;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Caching;

/// <summary>
/// A run of consecutive children of a network, applied in order, that trains and evaluates like a module of its own
/// (its parameters are the children's). The children stay owned by the network they were taken from: disposing the
/// slice releases only the slice.
/// </summary>
public sealed class ModuleSlice : nn.Module<Tensor, Tensor>
{
    private readonly IReadOnlyList<nn.Module<Tensor, Tensor>> _children;

    /// <summary>Wraps <paramref name="children"/> (name, module) of another network, in order.</summary>
    public ModuleSlice(IReadOnlyList<(string Name, nn.Module<Tensor, Tensor> Module)> children) : base(nameof(ModuleSlice))
    {
        ArgumentNullException.ThrowIfNull(children);
        _children = children.Select(c => c.Module).ToList();
        foreach (var (name, module) in children)
            register_module(name, module);
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = input.alias();
        foreach (var child in _children)
            x = child.forward(x);
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>Releases the slice only; the children belong to the network they came from.</summary>
#pragma warning disable CA2215 // base.Dispose would dispose the registered children, which the full network still owns.
    protected override void Dispose(bool disposing)
    {
    }
#pragma warning restore CA2215
}
