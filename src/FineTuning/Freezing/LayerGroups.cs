using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Freezing;

/// <summary>
/// The parameters of a network grouped by layer, lowest first. Children whose names end in the same number belong to
/// one layer (<c>hidden1</c>, <c>bn1</c> and a PReLU <c>act1</c> form layer <c>hidden1</c>); other children (<c>head</c>)
/// are layers of their own. Layers without parameters form no group. This is the unit that freezing, gradual unfreezing and
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
        var order = new List<string>();
        var byLayer = new Dictionary<string, (string Name, List<Parameter> Parameters)>();
        foreach (var (name, child) in model.named_children())
        {
            var digits = name.Length - name.Reverse().TakeWhile(char.IsDigit).Count();
            var key = digits < name.Length ? name[digits..] : name;
            if (!byLayer.TryGetValue(key, out var group))
            {
                byLayer[key] = group = (name, []);
                order.Add(key);
            }
            group.Parameters.AddRange(child.parameters());
        }
        return new LayerGroups(order.Select(k => byLayer[k]).Where(g => g.Parameters.Count > 0)
            .Select(g => (g.Name, (IReadOnlyList<Parameter>)g.Parameters)).ToList());
    }

    /// <summary>
    /// Groups given by name, lowest layer first, for models that are not <see cref="nn.Module"/>s (the text document
    /// classifier); groups without parameters are left out.
    /// </summary>
    public static LayerGroups Of(IEnumerable<(string Name, IReadOnlyList<Parameter> Parameters)> groups)
    {
        ArgumentNullException.ThrowIfNull(groups);
        return new LayerGroups(groups.Where(g => g.Parameters.Count > 0).ToList());
    }

    /// <summary>The parameters that currently require gradients, in group order.</summary>
    public IEnumerable<Parameter> Trainable => Groups.SelectMany(g => g.Parameters).Where(p => p.requires_grad);

    /// <summary>
    /// Discriminative learning rates: each group's trainable parameters with <paramref name="topRate"/> for the top
    /// group and <paramref name="factor"/> times the rate of the group above for each one below (ULMFiT); groups with
    /// nothing trainable are left out. One optimizer parameter group per entry.
    /// </summary>
    public IReadOnlyList<(IReadOnlyList<Parameter> Parameters, double LearningRate)> TrainableWithRates(double topRate, double factor) =>
        Groups.Select((g, i) => (Parameters: (IReadOnlyList<Parameter>)g.Parameters.Where(p => p.requires_grad).ToList(),
                LearningRate: RateAt(i, topRate, factor)))
            .Where(g => g.Parameters.Count > 0)
            .ToList();

    /// <summary>
    /// The rate of each trainable group under <see cref="TrainableWithRates"/>, lowest layer first, e.g.
    /// "hidden1 0.00075, hidden2 0.0015, head 0.003", for the log.
    /// </summary>
    public string DescribeRates(double topRate, double factor) =>
        string.Join(", ", Groups.Select((g, i) => (g.Name, Trainable: g.Parameters.Any(p => p.requires_grad), Rate: RateAt(i, topRate, factor)))
            .Where(g => g.Trainable)
            .Select(g => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{g.Name} {g.Rate:G3}")));

    /// <summary>The rate of group <paramref name="index"/>: <paramref name="factor"/> once per group between it and the top.</summary>
    private double RateAt(int index, double topRate, double factor) => topRate * Math.Pow(factor, Count - 1 - index);

    /// <summary>Names of the groups whose parameters all require gradients.</summary>
    public IEnumerable<string> TrainableNames => Groups.Where(g => g.Parameters.All(p => p.requires_grad)).Select(g => g.Name);
}
