using System.Text.Json;
using Pretrain.Pretraining.Layers;

namespace Pretrain.Pretraining.Greedy;

/// <summary>One layer of a greedy run: its trainer, and its settings as JSON (kept in the manifest, compared on resume).</summary>
/// <param name="Trainer">Trains the layer.</param>
/// <param name="Settings">The trainer's options as JSON; a checkpointed layer is reused only if these are equal.</param>
public sealed record LayerPlan(ILayerTrainer Trainer, JsonElement? Settings = null);
