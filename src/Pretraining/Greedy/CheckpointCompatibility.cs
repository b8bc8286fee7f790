using Pretrain.Pretraining.Layers;
using Pretrain.Pretraining.Stacks;

namespace Pretrain.Pretraining.Greedy;

/// <summary>
/// A checkpointed layer is reused only if it is the layer the run would train now: same method, same width, same
/// settings. Anything else is refused with a message, never silently mixed into a new stack.
/// </summary>
internal static class CheckpointCompatibility
{
    public static void Check(string folder, PretrainedStack saved, IReadOnlyList<LayerPlan> plans)
    {
        if (saved.Layers.Count > plans.Count)
            throw new PretrainException($"{folder}: the checkpoint holds {saved.Layers.Count} layers but the run asks for {plans.Count}; use a new output folder.");
        for (var i = 0; i < saved.Layers.Count; i++)
        {
            var layer = saved.Layers[i];
            var plan = plans[i];
            var shape = plan.Trainer.Describe(layer.InputShape);
            if (layer.Kind != plan.Trainer.Kind || !SampleShapes.Same(layer.OutputShape, shape))
                throw new PretrainException($"{folder}: layer{i + 1} in the checkpoint is a {layer.Kind} with {SampleShapes.Format(layer.OutputShape)} units but the run asks for a {plan.Trainer.Kind} with {SampleShapes.Format(shape)}; use a new output folder.");
            var savedSettings = saved.Settings[i]?.GetRawText();
            var wanted = plan.Settings?.GetRawText();
            if (savedSettings is not null && wanted is not null && !JsonTextEquals(savedSettings, wanted))
                throw new PretrainException($"{folder}: layer{i + 1} in the checkpoint was trained with other settings ({savedSettings}) than the run asks for ({wanted}); use a new output folder.");
        }
    }

    // Whitespace and property order are not differences in settings.
    private static bool JsonTextEquals(string a, string b) =>
        System.Text.Json.Nodes.JsonNode.DeepEquals(System.Text.Json.Nodes.JsonNode.Parse(a), System.Text.Json.Nodes.JsonNode.Parse(b));
}
