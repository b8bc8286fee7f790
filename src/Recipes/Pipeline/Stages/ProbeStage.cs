using Microsoft.Extensions.Logging;
using Pretrain.Recipes.Model;

namespace Pretrain.Recipes.Pipeline.Stages;

/// <summary>The linear probe: softmax classifiers on the stack's frozen top features versus raw inputs (<see cref="LinearProbeStage"/>).</summary>
internal sealed class ProbeStage : IRecipeStage
{
    public string Name => "linear probe";

    public bool AppliesTo(Recipe recipe) => recipe.Pretraining is not null && recipe.Evaluation.LinearProbe;

    public RunResult Run(StageContext stage, RunResult result)
    {
        var probe = LinearProbeStage.Run(stage.Stack!, stage.RequireData(), stage.Run);
        stage.Run.Logger.LogInformation("Linear probe with {Labels} labels: test accuracy {Pretrained:P2} on pretrained features versus {Raw:P2} on raw inputs",
            probe.LabeledExamples, probe.PretrainedFeatures, probe.RawInputs);
        return result with { Probe = probe };
    }
}
