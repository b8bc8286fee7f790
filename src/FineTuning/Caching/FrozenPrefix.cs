using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Caching;

/// <summary>
/// Finds the lowest part of a network whose outputs can be computed once and reused: consecutive children from the
/// bottom whose parameters are all frozen and that contain nothing stochastic (dropout would draw new masks every
/// epoch). Children without parameters (activations) belong to the prefix.
/// </summary>
public static class FrozenPrefix
{
    /// <summary>How many children can be cached, and why the prefix stops there.</summary>
    /// <param name="Length">Number of children from the bottom whose outputs can be cached (0 = none).</param>
    /// <param name="Reason">Why the prefix ends where it does, for the log.</param>
    public sealed record Plan(int Length, string Reason);

    /// <summary>Inspects <paramref name="network"/>'s direct children.</summary>
    public static Plan Find(Sequential network)
    {
        ArgumentNullException.ThrowIfNull(network);
        var children = network.named_children().ToList();
        var length = 0;
        var frozenLayers = 0;
        string reason = "every layer is frozen";
        for (var i = 0; i < children.Count; i++)
        {
            var (name, module) = children[i];
            if (module is Networks.SeededDropout or Dropout or AlphaDropout or FeatureAlphaDropout)
            {
                reason = $"{name} is stochastic (dropout draws a new mask every epoch)";
                break;
            }
            // Every kind (1-D, 2-D): a frozen batch norm still normalizes with each batch's statistics in training mode, so its
            // outputs depend on the batch and cannot be computed once (the cache runs in evaluation mode).
            if (module is BatchNorm)
            {
                reason = $"{name} normalizes with each batch's statistics while training";
                break;
            }
            var parameters = module.parameters().ToList();
            if (parameters.Any(p => p.requires_grad))
            {
                reason = $"{name} is trainable";
                break;
            }
            length = i + 1;
            if (parameters.Count > 0)
                frozenLayers++;
        }
        if (frozenLayers == 0)
            return new Plan(0, $"no frozen layer at the bottom ({reason})");
        // Trailing parameter-free children after the last frozen layer stay in the prefix; the rest must train.
        return length == children.Count ? new Plan(0, "every layer is frozen: nothing to train") : new Plan(length, reason);
    }

    /// <summary>The first <paramref name="length"/> children and the rest, as slices of <paramref name="network"/>.</summary>
    public static (ModuleSlice Frozen, ModuleSlice Trainable) Split(Sequential network, int length)
    {
        ArgumentNullException.ThrowIfNull(network);
        var children = network.named_children().Select(c => (c.name, (nn.Module<Tensor, Tensor>)c.module)).ToList();
        return (new ModuleSlice(children.Take(length).ToList()), new ModuleSlice(children.Skip(length).ToList()));
    }
}
