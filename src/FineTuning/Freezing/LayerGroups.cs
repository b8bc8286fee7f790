using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Freezing;

/// <summary>
/// The parameters of a network grouped by layer, lowest first: every parameter whose name starts with
/// <c>NAME.</c> belongs to the child module NAME (<c>hidden1</c>, <c>hidden2</c>, ..., <c>head</c>). Children without
/// parameters (activations, dropout) form no group. This is the unit that freezing, gradual unfreezing and
/// per-layer learning rates work on (fastai's parameter groups).
/// </summary>
public sealed class LayerGroups
{
    private LayerGroups(IReadOnlyList<(string Name, IReadOnlyList<Parameter> Parameters)> groups) => Groups = groups;

    /// <summary>The groups, lowest layer first.</summary>
    public IReadOnlyList<(string Name, IReadOnlyList<Parameter> Parameters)> Groups { get; }

    /// <summary>Number of groups (layers with parameters).</summary>
    public int Count => Groups.Count;

    /// <summary>The names of the groups, lowest first.</summary>
    public IEnumerable<string> Names => Groups.Select(g => g.Name);

    /// <summary>Groups the parameters of <paramref name="model"/>'s direct children.</summary>
    public static LayerGroups Of(nn.Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var groups = new List<(string, IReadOnlyList<Parameter>)>();
        foreach (var (name, child) in model.named_children())
        {
            var parameters = child.parameters().ToList();
            if (parameters.Count > 0)
                groups.Add((name, parameters));
        }
        return new LayerGroups(groups);
    }

    /// <summary>The parameters that currently require gradients, in group order.</summary>
    public IEnumerable<Parameter> Trainable => Groups.SelectMany(g => g.Parameters).Where(p => p.requires_grad);

    /// <summary>Names of the groups whose parameters all require gradients.</summary>
    public IEnumerable<string> TrainableNames => Groups.Where(g => g.Parameters.All(p => p.requires_grad)).Select(g => g.Name);
}
